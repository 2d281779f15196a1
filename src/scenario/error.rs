//! Errors in scenario files, written for the person who must fix the file: where
//! (`file:line:col`), which field, and what was expected.

use super::locate::{Locations, Pos};
use super::validate::Problem;
use std::fmt;

/// One problem found in a scenario file, located in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// Where, when it could be found.
    pub pos: Option<Pos>,
    /// Field path, e.g. `sites[2].parent`.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Why a scenario could not be used.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is over the size limit (reading stops one byte past it).
    #[error(
        "{file}: more than {max} bytes (read {size} before stopping); scenario files over {max} \
         bytes are refused"
    )]
    TooLarge {
        /// The file.
        file: String,
        /// Bytes read before stopping: the limit plus one.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The file parsed badly or describes an impossible hierarchy.
    #[error("{}", render(file, problems))]
    Invalid {
        /// The file.
        file: String,
        /// Every problem found, in file order.
        problems: Vec<Located>,
    },
}

impl InputError {
    /// Locates `problems` in `src` (the text of `file`).
    pub fn invalid(file: &str, src: &str, problems: Vec<Problem>) -> InputError {
        let locations = Locations::index(src);
        let mut located: Vec<Located> = problems
            .into_iter()
            .map(|p| Located {
                pos: locations.find(&p.path),
                field: p.path,
                message: p.message,
            })
            .collect();
        located.sort_by_key(|l| l.pos);
        InputError::Invalid {
            file: file.to_string(),
            problems: located,
        }
    }

    /// A RON parse error of `file` at `pos`, named after the field it happened in.
    pub fn parse(file: &str, src: &str, pos: Pos, message: String) -> InputError {
        let locations = Locations::index(src);
        let field = locations.path_at(pos).unwrap_or("(top level)").to_string();
        InputError::Invalid {
            file: file.to_string(),
            problems: vec![Located {
                pos: Some(pos),
                field,
                message,
            }],
        }
    }
}

impl InputError {
    /// A required field left out of the struct that closes at `pos`.
    pub fn missing(file: &str, pos: Pos, field: &str, outer: &str) -> InputError {
        InputError::Invalid {
            file: file.to_string(),
            problems: vec![Located {
                pos: Some(pos),
                field: field.to_string(),
                message: format!("required in `{outer}` but missing; add `{field}: ...`"),
            }],
        }
    }
}

/// Shows at most this many problems; the rest are counted.
const MAX_SHOWN: usize = 25;

fn render(file: &str, problems: &[Located]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().take(MAX_SHOWN).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = match p.pos {
            Some(pos) => write_one(&mut out, format_args!("{file}:{}:{}", pos.line, pos.col), p),
            None => write_one(&mut out, format_args!("{file}"), p),
        };
    }
    if problems.len() > MAX_SHOWN {
        out.push_str(&format!("\n… and {} more", problems.len() - MAX_SHOWN));
    }
    out
}

fn write_one(out: &mut String, at: fmt::Arguments<'_>, p: &Located) -> fmt::Result {
    use fmt::Write;
    write!(out, "{at}: field `{}`: {}", p.field, p.message)
}
