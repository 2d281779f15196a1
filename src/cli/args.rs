//! A command line clap refuses, or answers with help or the version: written here with
//! every write checked, where clap's own `exit` ignores a failed write (`cmsim --help >
//! /dev/full` exited 0 having written nothing).

use super::console::{BAD_INPUT, note, print_out};
use clap::error::ErrorKind;
use std::ffi::OsString;
use std::process::ExitCode;

/// Ends the command for clap's answer `e`: help and the version on standard output (exit 1
/// when it cannot be written, as for every command), a refused command line on stderr with
/// exit code 2.
pub(crate) fn refused(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let text = e.render();
            print_out(&match console::colors_enabled() {
                true => text.ansi().to_string(),
                false => text.to_string(),
            })
        }
        ErrorKind::InvalidUtf8 => {
            note(&not_utf8(std::env::args_os().skip(1).collect()));
            ExitCode::from(BAD_INPUT)
        }
        _ => {
            // Usage errors go to stderr; if even that fails there is no one left to tell.
            let _ = e.print();
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(BAD_INPUT))
        }
    }
}

/// Names the argument that is not UTF-8 (clap says only "one or more arguments"): the flag
/// before it, the flag it is the value of (`--view=…`), or its position.
fn not_utf8(args: Vec<OsString>) -> String {
    let Some(i) = args.iter().position(|a| a.to_str().is_none()) else {
        return "error: an argument is not valid UTF-8; give every flag's value in UTF-8".into();
    };
    let arg = args[i].to_string_lossy();
    let flag = match arg.split_once('=') {
        Some((flag, _)) if flag.starts_with('-') => Some(flag.to_string()),
        _ => args[..i]
            .last()
            .and_then(|a| a.to_str())
            .filter(|a| a.starts_with('-') && *a != "-")
            .map(str::to_string),
    };
    let what = match flag {
        Some(flag) => format!("the value of {flag}"),
        None => format!("argument {} ({arg:?})", i + 1),
    };
    format!(
        "error: {what} is not valid UTF-8; give it in UTF-8 (site names, durations and \
         numbers are plain text)\n\nFor more information, try '--help'."
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::not_utf8;
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    fn args(list: &[&[u8]]) -> Vec<OsString> {
        list.iter()
            .map(|a| OsString::from_vec(a.to_vec()))
            .collect()
    }

    #[test]
    fn the_argument_that_is_not_utf8_is_named() {
        let e = not_utf8(args(&[b"run", b"lab.ron", b"--view", b"\xff"]));
        assert!(e.contains("the value of --view is not valid UTF-8"), "{e}");
        let e = not_utf8(args(&[b"run", b"lab.ron", b"--until=\xff"]));
        assert!(e.contains("the value of --until is"), "{e}");
        let e = not_utf8(args(&[b"run", b"\xff"]));
        assert!(e.contains("argument 2"), "{e}");
    }
}
