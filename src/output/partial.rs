//! One output file written whole or not at all: the trace of a run.

use super::{OutputError, io_at};
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

/// A file written under a temporary name beside its final one and renamed into place when
/// done: a reader never finds a cut file under the final name. Dropped without
/// [`Partial::persist`], the temporary file is removed; a killed process leaves it under the
/// hidden name `.NAME.cmsim-partial-PID`. Paths that are not regular files (`/dev/stdout`, a
/// pipe) are written directly: they cannot be replaced and hold no earlier content.
#[derive(Debug)]
pub struct Partial {
    /// `Some` while the temporary file exists.
    temp: Option<PathBuf>,
    path: PathBuf,
}

impl Partial {
    /// Creates the temporary file for `path` (or opens `path` itself when it is no regular file).
    pub fn create(path: &Path) -> Result<(Partial, File), OutputError> {
        super::check_trace(path, None)?;
        let meta = fs::metadata(path).ok();
        if meta.as_ref().is_some_and(|m| !m.is_file()) {
            let f = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(refused_at(path))?;
            let partial = Partial {
                temp: None,
                path: path.to_path_buf(),
            };
            return Ok((partial, f));
        }
        // An existing path may be a link: the file it names is replaced, not the link.
        let path = match meta {
            Some(_) => fs::canonicalize(path).map_err(io_at(path))?,
            None => path.to_path_buf(),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.cmsim-partial-{}", std::process::id()));
        let f = File::create(&temp).map_err(refused_at(&path))?;
        Ok((
            Partial {
                temp: Some(temp),
                path,
            },
            f,
        ))
    }

    /// Renames the written file into place.
    pub fn persist(mut self) -> Result<(), OutputError> {
        match self.temp.take() {
            Some(temp) => fs::rename(&temp, &self.path).map_err(|e| {
                let _ = fs::remove_file(&temp);
                io_at(&self.path)(e)
            }),
            None => Ok(()),
        }
    }
}

/// A trace that cannot be created where the user asked (no permission, a read-only file
/// system, a directory that went away) is theirs to fix (exit code 2); another failure (a full disk) is a failed write.
fn refused_at(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |e| match e.kind() {
        std::io::ErrorKind::PermissionDenied
        | std::io::ErrorKind::ReadOnlyFilesystem
        | std::io::ErrorKind::NotFound
        | std::io::ErrorKind::NotADirectory => OutputError::Refused(format!(
            "--trace {}: cannot be written here ({e}); choose a path you can write to",
            path.display()
        )),
        _ => io_at(path)(e),
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(temp) = &self.temp {
            let _ = fs::remove_file(temp);
        }
    }
}
