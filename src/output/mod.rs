//! An output directory a run owns, and files that appear only once they are whole.
//!
//! Outputs written in place went wrong three ways: a run stopped by Ctrl-C left a complete
//! `summary.json` beside a cut `compliance.csv`; two runs into one directory interleaved their
//! bytes in the same PNG; files of an earlier run stayed beside the new ones and looked
//! current. So a run that writes into `--out DIR`:
//!
//! - takes an OS lock on `DIR/.cmsim.lock` ([`File::try_lock`]: the kernel drops it when the
//!   process dies, so a killed run never leaves a stale lock), and is refused while another
//!   run holds it;
//! - is refused when `DIR` holds the outputs of another run, unless `--force`, which replaces
//!   them: every earlier cmsim output goes, never another file of the user;
//! - writes everything into a hidden staging directory inside `DIR` (same file system, so a
//!   rename is atomic), renames each file into place once all are written, and writes the
//!   `complete` marker last. A directory without `complete` is not a finished run.
//!
//! Shards of a sweep share one directory on purpose (`--shard I/N --out shards/`, perhaps on
//! several machines at once): each takes the directory lock shared and its own shard's lock
//! exclusively, leaves the other shards' tables alone, and renames its one table into place.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

mod partial;
mod paths;
pub use partial::Partial;
pub use paths::{check_trace, is_lock};

/// The marker a finished run writes last into its directory.
pub const COMPLETE: &str = "complete";

/// The lock file every run writing into a directory holds while it writes.
pub const LOCK: &str = ".cmsim.lock";

/// Hidden staging directories start with this; nothing under it looks like an output.
pub const STAGING: &str = ".cmsim-staging";

/// Names a cmsim run writes at the top of its directory (besides shard tables).
const OUTPUTS: [&str; 11] = [
    "report.html",
    "summary.json",
    "compliance.csv",
    "compliance-by-update.csv.gz",
    "machines.csv",
    "groups.csv",
    "replications.json",
    "comparison.json",
    "sweep.csv",
    "charts",
    COMPLETE,
];

/// Why an output directory or file cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The directory is busy, holds another run's outputs, or would lose an input: the user
    /// must choose (exit code 2); nothing was written.
    #[error("{0}")]
    Refused(String),
    /// Drawing or writing a chart failed; the message names the file.
    #[error("{0}")]
    Chart(String),
    /// Writing failed (a read-only directory, a full disk).
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The cause.
        source: io::Error,
    },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The shard `(index, count)` a table name `sweep-shard-I-of-N.csv` belongs to.
pub fn shard_of(name: &str) -> Option<(usize, usize)> {
    let rest = name.strip_prefix("sweep-shard-")?.strip_suffix(".csv")?;
    let (i, n) = rest.split_once("-of-")?;
    Some((i.parse().ok()?, n.parse().ok()?))
}

/// Whether `name`, at the top of an output directory, is something a cmsim run writes.
pub fn is_output(name: &str) -> bool {
    OUTPUTS.contains(&name) || shard_of(name).is_some() || name.starts_with(STAGING)
}

/// The first of `inputs` that writing into `dir` would replace or remove: a file at the top
/// of `dir` under a name a run writes, or anything under its `charts/` or staging.
pub fn overwrites(dir: &Path, inputs: &[&Path]) -> Option<PathBuf> {
    let dir = fs::canonicalize(dir).ok()?;
    inputs.iter().find_map(|input| {
        let input = fs::canonicalize(input).ok()?;
        let rel = input.strip_prefix(&dir).ok()?;
        let top = rel.components().next()?.as_os_str().to_str()?;
        is_output(top).then_some(input)
    })
}

/// Where a run writes: the directory, `--force`, and what the `complete` marker says.
#[derive(Clone, Debug)]
pub struct Target {
    /// The `--out` directory.
    pub dir: PathBuf,
    /// Replace the outputs of an earlier run instead of refusing the directory.
    pub force: bool,
    /// The command, for the marker (e.g. `run`, `compare`).
    pub command: String,
    /// What the run was about, for the marker (file or scenario names, never full paths).
    pub about: String,
    /// The files the run reads: writing into `dir` must not replace or remove them.
    pub inputs: Vec<PathBuf>,
}

impl Target {
    /// A target for `command` reading `inputs`; the marker names them by file name only, so
    /// that it is the same on every machine.
    pub fn new(dir: PathBuf, force: bool, command: &str, inputs: &[&Path]) -> Target {
        let names: Vec<String> = inputs
            .iter()
            .filter_map(|p| Some(p.file_name()?.to_string_lossy().into_owned()))
            .collect();
        Target {
            dir,
            force,
            command: command.into(),
            about: names.join(", "),
            inputs: inputs.iter().map(|p| p.to_path_buf()).collect(),
        }
    }

    /// Refuses the target before a run starts, creating nothing: it would touch an input,
    /// another run holds its lock, or (without `force`) it holds another run's outputs.
    /// [`OutDir::claim`] checks again under the lock; this only spares a long run that would
    /// be refused at its end.
    pub fn precheck(&self, shard: Option<(usize, usize)>) -> Result<(), OutputError> {
        self.refuse_inputs(shard)?;
        paths::check_out_dir(&self.dir)?;
        if !self.dir.is_dir() {
            return Ok(());
        }
        if let Ok(f) = File::open(self.dir.join(LOCK)) {
            try_lock(&f, shard.is_some(), &self.dir.join(LOCK))
                .map_err(|e| e.unwrap_or_else(|| self.busy(None)))?;
        }
        if let Some((i, n)) = shard {
            let own = self.dir.join(format!(".cmsim-shard-{i}-of-{n}.lock"));
            if let Ok(f) = File::open(&own) {
                try_lock(&f, false, &own).map_err(|e| e.unwrap_or_else(|| self.busy(shard)))?;
            }
        }
        self.refuse_earlier(shard)
    }

    fn refuse_inputs(&self, shard: Option<(usize, usize)>) -> Result<(), OutputError> {
        let inputs: Vec<&Path> = self.inputs.iter().map(PathBuf::as_path).collect();
        match overwrites_now(&self.dir, &inputs, shard) {
            Some(input) => Err(OutputError::Refused(format!(
                "{}: writing into {} would replace or remove this input; choose another --out",
                input.display(),
                self.dir.display()
            ))),
            None => Ok(()),
        }
    }

    fn refuse_earlier(&self, shard: Option<(usize, usize)>) -> Result<(), OutputError> {
        let earlier = earlier_outputs(&self.dir, shard)?;
        if earlier.is_empty() || self.force {
            return Ok(());
        }
        Err(OutputError::Refused(format!(
            "{} holds the outputs of another run ({}); --force replaces them, or choose \
             another --out",
            self.dir.display(),
            earlier.join(", ")
        )))
    }

    fn busy(&self, shard: Option<(usize, usize)>) -> OutputError {
        let what = match shard {
            Some((i, n)) => format!("shard {i}/{n} "),
            None => String::new(),
        };
        OutputError::Refused(format!(
            "another cmsim run is writing {what}into {}; wait for it to finish or choose \
             another --out",
            self.dir.display()
        ))
    }
}

/// An output directory claimed by this run: locked, checked, with a staging directory.
///
/// Dropping it without [`OutDir::commit`] (a failed or refused run) removes the staging
/// directory, and the directory itself when the claim created it, so nothing of the run
/// remains; a killed run leaves only the staging directory, which the
/// next run into the directory removes.
#[derive(Debug)]
pub struct OutDir {
    target: Target,
    staging: PathBuf,
    /// `Some((i, n))` for a shard, which owns only its own table.
    shard: Option<(usize, usize)>,
    /// Held until dropped: the directory lock, and the shard's lock.
    locks: Vec<File>,
    /// Whether `staging` is ours: a claim refused as busy must not remove another run's.
    staged: bool,
    /// The highest directory the claim created, if it created `--out`: removed again, with
    /// the lock, when the run does not commit.
    created: Option<PathBuf>,
    committed: bool,
}

impl OutDir {
    /// Claims `target.dir` for a whole run: creates it, locks it, refuses it when it holds
    /// another run's outputs (without `force`) or when writing would touch an input.
    pub fn claim(target: &Target) -> Result<OutDir, OutputError> {
        Self::claim_as(target, None)
    }

    /// Claims `target.dir` for shard `i` of `n` of a sweep: other runs of the same sweep's
    /// shards may write beside it, each its own `sweep-shard-I-of-N.csv`.
    pub fn claim_shard(target: &Target, i: usize, n: usize) -> Result<OutDir, OutputError> {
        Self::claim_as(target, Some((i, n)))
    }

    fn claim_as(target: &Target, shard: Option<(usize, usize)>) -> Result<OutDir, OutputError> {
        let dir = &target.dir;
        target.refuse_inputs(shard)?;
        paths::check_out_dir(dir)?;
        let created = paths::first_missing(dir);
        fs::create_dir_all(dir).map_err(paths::out_error(dir))?;
        let staging = dir.join(match shard {
            None => STAGING.to_string(),
            Some((i, n)) => format!("{STAGING}-shard-{i}-of-{n}"),
        });
        // From here a failure drops `out`, which removes what this claim made.
        let mut out = OutDir {
            target: target.clone(),
            staging,
            shard,
            locks: Vec::new(),
            staged: false,
            created,
            committed: false,
        };
        let lock = dir.join(LOCK);
        out.locks
            .push(lock_file(&lock).map_err(paths::out_error(dir))?);
        try_lock(&out.locks[0], shard.is_some(), &lock)
            .map_err(|e| e.unwrap_or_else(|| target.busy(None)))?;
        if let Some((i, n)) = shard {
            let own = dir.join(format!(".cmsim-shard-{i}-of-{n}.lock"));
            out.locks
                .push(lock_file(&own).map_err(paths::out_error(dir))?);
            try_lock(&out.locks[1], false, &own)
                .map_err(|e| e.unwrap_or_else(|| target.busy(shard)))?;
        }
        // Staging directories we may remove are those of runs now dead: all of them under the
        // exclusive lock, our own shard's under the shard lock.
        for name in list(dir)? {
            let stale = match shard {
                None => name.starts_with(STAGING),
                Some(_) => dir.join(&name) == out.staging,
            };
            if stale {
                remove(&dir.join(&name))?;
            }
        }
        target.refuse_earlier(shard)?;
        fs::create_dir(&out.staging).map_err(paths::out_error(dir))?;
        out.staged = true;
        Ok(out)
    }

    /// The directory the outputs go to.
    pub fn dir(&self) -> &Path {
        &self.target.dir
    }

    /// The hidden directory the run writes into; [`OutDir::commit`] moves its files into place.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Writes `name` into the staging directory.
    pub fn write(&self, name: &str, text: &str) -> Result<(), OutputError> {
        let path = self.staging.join(name);
        fs::write(&path, text).map_err(io_at(&path))
    }

    /// Writes `name` into the staging directory through `write`, a piece at a time: a large
    /// table goes to the file as it is made, never whole in memory. A name ending in `.gz`
    /// is gzip-compressed (pandas reads it as it is; PowerShell through
    /// `System.IO.Compression.GZipStream`).
    pub fn stream(
        &self,
        name: &str,
        write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let path = self.staging.join(name);
        stream_to(&path, name.ends_with(".gz"), write).map_err(io_at(&path))
    }

    /// Creates `name` in the staging directory for a table written while the run goes.
    pub fn create(&self, name: &str) -> Result<Box<dyn io::Write + Send + Sync>, OutputError> {
        let path = self.staging.join(name);
        let file = File::create(&path).map_err(io_at(&path))?;
        Ok(Box::new(io::BufWriter::new(file)))
    }

    /// Removes the earlier outputs (with `--force`), renames every staged file into place and
    /// writes the `complete` marker last; returns the files in place, relative to the directory.
    pub fn commit(mut self) -> Result<Vec<String>, OutputError> {
        let dir = self.target.dir.clone();
        let mut files = Vec::new();
        walk(&self.staging, "", &mut files)?;
        // The marker goes first, so that no moment shows `complete` beside a mix of outputs.
        let mut earlier = earlier_outputs(&dir, self.shard)?;
        earlier.sort_by_key(|n| n != COMPLETE);
        for name in earlier {
            remove(&dir.join(name))?;
        }
        for name in list(&self.staging)? {
            let (from, to) = (self.staging.join(&name), dir.join(&name));
            fs::rename(&from, &to).map_err(io_at(&to))?;
        }
        if self.shard.is_none() {
            let marker = serde_json::json!({
                "complete": true,
                "command": self.target.command,
                "about": self.target.about,
                "files": files,
            });
            let text = serde_json::to_string_pretty(&marker).unwrap_or_default() + "\n";
            let staged = self.staging.join(COMPLETE);
            fs::write(&staged, text).map_err(io_at(&staged))?;
            fs::rename(&staged, dir.join(COMPLETE)).map_err(io_at(&dir.join(COMPLETE)))?;
        }
        fs::remove_dir(&self.staging).map_err(io_at(&self.staging))?;
        self.committed = true;
        Ok(files)
    }
}

fn stream_to(
    path: &Path,
    gzip: bool,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<()> {
    use io::Write;
    let mut file = io::BufWriter::new(File::create(path)?);
    if gzip {
        // No name and no time in the header: the same run gives the same bytes.
        let mut gz = flate2::GzBuilder::new().write(file, flate2::Compression::fast());
        write(&mut gz)?;
        gz.finish()?.flush()
    } else {
        write(&mut file)?;
        file.flush()
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if self.staged {
            let _ = fs::remove_dir_all(&self.staging);
        }
        if let Some(top) = &self.created {
            paths::unmake(&self.target.dir, top, self.locks.first());
        }
    }
}

/// Like [`overwrites`], except that a shard removes no sibling shard's table.
fn overwrites_now(dir: &Path, inputs: &[&Path], shard: Option<(usize, usize)>) -> Option<PathBuf> {
    let input = overwrites(dir, inputs)?;
    let sibling = shard.is_some_and(|own| {
        let name = input
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(shard_of);
        name.is_some_and(|(i, n)| n == own.1 && i != own.0)
    });
    (!sibling).then_some(input)
}

/// The outputs of other runs in `dir`: for a shard, all but the same sweep's other shards.
fn earlier_outputs(dir: &Path, shard: Option<(usize, usize)>) -> Result<Vec<String>, OutputError> {
    let mut found: Vec<String> = list(dir)?
        .into_iter()
        .filter(|n| is_output(n) && !n.starts_with(STAGING))
        .filter(|n| match (shard, shard_of(n)) {
            (Some(own), Some((i, count))) => count != own.1 || i == own.0,
            _ => true,
        })
        .collect();
    found.sort();
    Ok(found)
}

/// The names in `dir`, sorted; names that are not UTF-8 are no output of cmsim and are skipped.
fn list(dir: &Path) -> Result<Vec<String>, OutputError> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_at(dir))? {
        let entry = entry.map_err(io_at(dir))?;
        if let Ok(name) = entry.file_name().into_string() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The files under `dir`, as `prefix/…` paths with `/`, in sorted order.
fn walk(dir: &Path, prefix: &str, files: &mut Vec<String>) -> Result<(), OutputError> {
    for name in list(dir)? {
        let path = dir.join(&name);
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if path.is_dir() {
            walk(&path, &rel, files)?;
        } else {
            files.push(rel);
        }
    }
    Ok(())
}

fn remove(path: &Path) -> Result<(), OutputError> {
    let meta = fs::symlink_metadata(path).map_err(io_at(path))?;
    let removed = if meta.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    removed.map_err(io_at(path))
}

fn lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// Takes the lock without waiting: `Err(None)` when another process holds it.
fn try_lock(file: &File, shared: bool, path: &Path) -> Result<(), Option<OutputError>> {
    let taken = if shared {
        file.try_lock_shared()
    } else {
        file.try_lock()
    };
    match taken {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(None),
        Err(TryLockError::Error(e)) => Err(Some(io_at(path)(e))),
    }
}
