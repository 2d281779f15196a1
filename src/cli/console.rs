//! Exit codes and the one way each command prints: errors on stderr, results on
//! stdout, a closed pipe or a full disk handled without a panic.

use cmsim::load_file;
use cmsim::output::OutputError;
use cmsim::report::html::Source;
use std::io::{self, Write};
use std::process::ExitCode;

/// Exit code for a scenario or argument the user must fix.
pub(crate) const BAD_INPUT: u8 = 2;

pub(crate) fn load(path: &std::path::Path) -> Result<cmsim::Loaded, ExitCode> {
    if let Some(e) = closed_stdin(path) {
        report_error(&format!("<stdin>: cannot read: {e}"));
        return Err(ExitCode::from(BAD_INPUT));
    }
    load_file(path).map_err(|e| {
        report_error(&e);
        ExitCode::from(BAD_INPUT)
    })
}

/// Why `path`, when it is `-`, cannot be read: standard input is closed (`<&-`) or
/// `/dev/null`. Rust's runtime opens `/dev/null` on a closed standard input before `main`,
/// so the two look alike; either used to be read as an empty file and reported as one (a
/// scenario "empty", a trace "violated").
pub(crate) fn closed_stdin(path: &std::path::Path) -> Option<io::Error> {
    if !cmsim::load::is_stdin(path) {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let null = std::fs::metadata("/dev/null").ok()?;
        let fd = io::stdin().as_fd().try_clone_to_owned();
        let stdin = fd.and_then(|fd| std::fs::File::from(fd).metadata());
        let closed = match stdin {
            Err(_) => true,
            Ok(m) => m.rdev() == null.rdev() && m.dev() == null.dev() && m.ino() == null.ino(),
        };
        closed.then(|| {
            io::Error::other(
                "standard input is closed (or /dev/null); pipe the input in (`… - < FILE`) \
                 or give its path",
            )
        })
    }
    #[cfg(not(unix))]
    None
}

/// The scenario `l` as written, for `report.html` to quote.
pub(crate) fn source(l: &cmsim::Loaded) -> Source {
    Source {
        file: l.file.clone(),
        text: l.source.clone(),
        end_ms: l.world.end.ms(),
    }
}

/// The width to wrap prose to: the terminal's, when standard output is one (files and
/// pipes get the lines whole).
pub(crate) fn terminal_width() -> Option<usize> {
    let term = console::Term::stdout();
    match term.is_term() {
        true => term
            .size_checked()
            .map(|(_, cols)| usize::from(cols).max(40)),
        false => None,
    }
}

pub(crate) fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("reports serialize") + "\n"
}

/// Reports an output that cannot be written: a refused directory is bad input (exit 2), a
/// failed write is not (exit 1).
pub(crate) fn output_failed(e: &OutputError) -> ExitCode {
    report_error(e);
    match e {
        OutputError::Refused(_) => ExitCode::from(BAD_INPUT),
        OutputError::Io { .. } | OutputError::Chart(_) => ExitCode::FAILURE,
    }
}

/// Reports a failed run: options that cannot run are bad input (exit 2); anything else is
/// an output or internal failure (exit 1).
pub(crate) fn run_failed(e: &cmsim::run::RunError) -> ExitCode {
    report_error(e);
    match e {
        cmsim::run::RunError::Argument(_) => ExitCode::from(BAD_INPUT),
        _ => ExitCode::FAILURE,
    }
}

/// Prints an error on stderr, each of its messages marked as an error.
pub(crate) fn report_error(e: &dyn std::fmt::Display) {
    for line in e.to_string().lines() {
        // Indented lines show the source under the message before them (`  12 | …`).
        if line.starts_with(' ') {
            note(line);
        } else {
            note(&format!("error: {line}"));
        }
    }
}

/// Writes all of `text` to standard output, the one way the commands print.
///
/// Rust ignores SIGPIPE, so a reader that went away (`cmsim rules | head -1`) shows up as a
/// `BrokenPipe` error: that ends the command quietly with exit code 0, as `head` users expect.
/// Any other failure (a full disk: `cmsim rules > /dev/full`) is reported on one line of
/// stderr with exit code 1. Never panics, unlike `print!`.
pub(crate) fn print_out(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            note(&format!("cmsim: cannot write to standard output: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Whether `-v` was given.
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sets `-v` for the process.
pub(crate) fn set_verbose(on: bool) {
    VERBOSE.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Writes the line `line` makes to stderr with `-v`; nothing (and no work) without.
pub(crate) fn verbose(line: impl FnOnce() -> String) {
    if VERBOSE.load(std::sync::atomic::Ordering::Relaxed) {
        note(&line());
    }
}

/// With `-v`, lists the files a finished output directory holds, as its `complete` marker
/// names them.
pub(crate) fn verbose_files(dir: &std::path::Path) {
    verbose(|| {
        let marker = std::fs::read_to_string(dir.join(cmsim::output::COMPLETE)).unwrap_or_default();
        let files: Vec<String> = serde_json::from_str::<serde_json::Value>(&marker)
            .ok()
            .and_then(|v| v["files"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        format!(
            "{} files in {}: {}",
            files.len(),
            dir.display(),
            files.join(", ")
        )
    });
}

/// Writes one line to stderr; if even stderr is gone there is no one left to tell.
pub(crate) fn note(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}
