//! The paths a user gives for outputs (`--out`, `--trace`), checked before anything is
//! created, and what a refused or failed claim leaves behind: nothing.
//!
//! A refusal must come before the first file is made: a run refused for its `--trace` used to
//! leave a new `--out` directory holding `.cmsim.lock`, and a trace written under `--out
//! DIR/charts/` was reported as written, then removed when the run's own `charts/` replaced
//! it. A path the user must fix (a directory they cannot write to, a dangling link, a file
//! where a directory is needed) is refused with exit code 2 and names the path they gave,
//! never an internal file.

use super::{LOCK, OutputError, is_output};
use std::fs::{self, File};
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

/// Whether `name`, at the top of an output directory, is one of the locks runs hold there.
pub fn is_lock(name: &str) -> bool {
    name == LOCK || (name.starts_with(".cmsim-shard-") && name.ends_with(".lock"))
}

/// `path` as the file system will resolve it, whether or not it exists: its longest
/// existing ancestor with links resolved, the rest appended.
fn resolved(path: &Path) -> PathBuf {
    let absolute = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(mut real) = fs::canonicalize(at) {
            real.extend(rest.iter().rev());
            return real;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return absolute,
        }
    }
}

/// Where `path` lies inside `dir`: the name at the top of `dir` it is or is under, and
/// whether it is under it (`charts/t.jsonl`) rather than it; `Some(("", false))` for `dir`
/// itself; `None` outside `dir`.
fn inside(dir: &Path, path: &Path) -> Option<(String, bool)> {
    let (dir, path) = (resolved(dir), resolved(path));
    let mut parts = path.strip_prefix(&dir).ok()?.components();
    Some(match parts.next() {
        None => (String::new(), false),
        Some(top) => (
            top.as_os_str().to_string_lossy().into_owned(),
            parts.next().is_some(),
        ),
    })
}

/// Refuses a `--trace` path that cannot be written, or that the `--out` directory's run
/// would replace: a directory, a path under a missing or non-directory parent (the `--out`
/// directory itself may be missing: the run creates it first), one of the names a run writes
/// (or replaces) in `--out` or anything under them, or its lock. Other names inside `--out`
/// are the user's and stay. `-` (standard output) is never refused here.
pub fn check_trace(trace: &Path, out: Option<&Path>) -> Result<(), OutputError> {
    if crate::load::is_stdin(trace) {
        return Ok(());
    }
    let t = trace.display();
    let refuse = |why: String| Err(OutputError::Refused(format!("--trace {t}: {why}")));
    let example = |dir: &Path| dir.join("trace.jsonl").display().to_string();
    if fs::metadata(trace).is_ok_and(|m| m.is_dir()) {
        return refuse(format!(
            "is a directory; name a file, e.g. --trace {}",
            example(trace)
        ));
    }
    if let Some(dir) = out
        && let Some((top, under)) = inside(dir, trace)
    {
        let d = dir.display();
        let e = example(dir);
        if top.is_empty() {
            return refuse(format!(
                "is the --out directory; name a file, e.g. --trace {e}"
            ));
        }
        if is_lock(&top) {
            return refuse(format!(
                "{top} is the lock of --out {d}, held by the run writing there; choose \
                 another path, e.g. --trace {e}"
            ));
        }
        if is_output(&top) && under {
            return refuse(format!(
                "--out {d} replaces {top}/ and everything in it when the run ends; \
                 choose another path, e.g. --trace {e}"
            ));
        }
        if is_output(&top) {
            return refuse(format!(
                "--out {d} writes (or replaces) a file of this name; choose another path, \
                 e.g. --trace {e}"
            ));
        }
    }
    let parent = match trace.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match fs::metadata(parent) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => refuse(format!(
            "{} is not a directory; choose another path",
            parent.display()
        )),
        Err(_) if out.is_some_and(|dir| resolved(dir) == resolved(parent)) => Ok(()),
        Err(_) => refuse(format!(
            "the directory {} does not exist; create it or choose another path",
            parent.display()
        )),
    }
}

/// Refuses an `--out` that cannot be (or become) a directory: something else than a
/// directory (`/dev/null`, a file), a link to nothing, or a path under a file.
pub(super) fn check_out_dir(dir: &Path) -> Result<(), OutputError> {
    let d = dir.display();
    let refuse = |why: String| Err(OutputError::Refused(format!("--out {d}: {why}")));
    if let Ok(target) = fs::read_link(dir)
        && !dir.exists()
    {
        return refuse(format!(
            "is a symbolic link to {}, which does not exist; create that directory, or \
             choose another --out",
            target.display()
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return refuse(
            "exists and is not a directory; choose a directory (it is created if missing)".into(),
        );
    }
    // The nearest ancestor that exists must be a directory for the rest to be created in it.
    for above in dir.ancestors().skip(1) {
        let above = match above.as_os_str().is_empty() {
            true => Path::new("."),
            false => above,
        };
        match fs::metadata(above) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                return refuse(format!(
                    "{} is not a directory, so nothing can be created under it; choose \
                     another --out",
                    above.display()
                ));
            }
            Err(_) => continue,
        }
    }
    Ok(())
}

/// What to tell the user when creating `--out dir`, its lock or its staging directory fails
/// with `e`: a path they must fix (no permission, a read-only file system, a file in the way)
/// is refused (exit code 2) under the name they gave; anything else (a full disk) is a
/// failed write.
pub(super) fn out_error(dir: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |e| {
        let d = dir.display();
        match e.kind() {
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
                OutputError::Refused(format!(
                    "--out {d}: cannot create files in this directory ({e}); choose a \
                     directory you can write to"
                ))
            }
            ErrorKind::NotADirectory | ErrorKind::AlreadyExists | ErrorKind::NotFound => {
                OutputError::Refused(format!(
                    "--out {d}: cannot be made a directory ({e}); choose another --out"
                ))
            }
            _ => OutputError::Io {
                path: d.to_string(),
                source: e,
            },
        }
    }
}

/// The highest of `dir` and its ancestors that does not exist: what creating `dir` makes.
pub(super) fn first_missing(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && fs::symlink_metadata(a).is_err())
        .last()
        .map(Path::to_path_buf)
}

/// Removes `dir`, which this process created up to `top`, when a claim on it failed or its
/// run did not commit: only while nothing but lock files is in it and no other run holds
/// `lock` (taken exclusively first), so that a refused run leaves no directory behind.
pub(super) fn unmake(dir: &Path, top: &Path, lock: Option<&File>) {
    if lock.is_none_or(|l| l.try_lock().is_err()) {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut locks = Vec::new();
    for entry in entries {
        match entry.map(|e| e.file_name().into_string()) {
            Ok(Ok(name)) if is_lock(&name) => locks.push(dir.join(name)),
            _ => return,
        }
    }
    for lock in locks {
        let _ = fs::remove_file(lock);
    }
    for d in dir.ancestors() {
        if fs::remove_dir(d).is_err() || d == top {
            break;
        }
    }
}
