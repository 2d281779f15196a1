//! Directories the tests write into, removed when the test ends, whether it passed or
//! failed: a [`TestDir`] is dropped as its test returns or as a failed assertion unwinds.
//! (Directories named after the process and the test, created and never removed, were left
//! behind by every run: ten thousand in the temporary directory after a few CI runs.)

use std::ops::Deref;
use std::path::Path;

/// A new, empty directory `PREFIX` + six random characters in the temporary directory
/// (`$TMPDIR`, else `/tmp`), removed with everything in it when dropped. It derefs to its
/// [`Path`]: `dir.join(..)`, `dir.to_str()`, `&dir` as a `&Path`.
#[derive(Debug)]
pub struct TestDir(tempfile::TempDir);

impl TestDir {
    /// `prefix` says whose directory it is, e.g. `cmsim-cli-run-`.
    pub fn new(prefix: &str) -> TestDir {
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot make a temporary directory {prefix}…: {e}"));
        TestDir(dir)
    }
}

impl Deref for TestDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for TestDir {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}
