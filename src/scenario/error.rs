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
    /// The source line and a caret under the column, for the problems shown.
    pub snippet: Option<String>,
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
                snippet: None,
            })
            .collect();
        located.sort_by_key(|l| l.pos);
        let shown = located.len().min(MAX_SHOWN);
        attach_snippets(src, &mut located[..shown]);
        InputError::Invalid {
            file: file.to_string(),
            problems: located,
        }
    }

    /// A RON parse error of `file` at `pos`, named after the field it happened in.
    pub fn parse(file: &str, src: &str, pos: Pos, message: String) -> InputError {
        let locations = Locations::index(src);
        let field = locations.path_at(pos).unwrap_or("(top level)").to_string();
        InputError::at(file, src, pos, field, message)
    }

    /// One problem of `file` at `pos`, with its snippet of `src`.
    fn at(file: &str, src: &str, pos: Pos, field: String, message: String) -> InputError {
        let mut problems = vec![Located {
            pos: Some(pos),
            field,
            message,
            snippet: None,
        }];
        attach_snippets(src, &mut problems);
        InputError::Invalid {
            file: file.to_string(),
            problems,
        }
    }
}

impl InputError {
    /// A required field left out of the struct that closes at `pos` in `src`.
    pub fn missing(file: &str, src: &str, pos: Pos, field: &str, outer: &str) -> InputError {
        let message = format!("required in {outer} but missing; add `{field}: ...`");
        InputError::at(file, src, pos, field.to_string(), message)
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
    write!(out, "{at}: field `{}`: {}", p.field, p.message)?;
    if let Some(snippet) = &p.snippet {
        write!(out, "\n{snippet}")?;
    }
    Ok(())
}

/// Characters of a source line shown around the column; longer lines are cut to a window.
const WINDOW: usize = 100;

/// Fills in the snippets of `problems` (sorted by position) in one pass over `src`.
fn attach_snippets(src: &str, problems: &mut [Located]) {
    let mut lines = src.split('\n').enumerate();
    let mut current: Option<(usize, &str)> = None;
    for p in problems.iter_mut() {
        let Some(pos) = p.pos else { continue };
        while current.is_none_or(|(n, _)| n + 1 < pos.line) {
            match lines.next() {
                Some(l) => current = Some(l),
                None => return,
            }
        }
        if let Some((_, text)) = current.filter(|(n, _)| n + 1 == pos.line) {
            p.snippet = Some(render_snippet(text, pos));
        }
    }
}

/// `  12 | the line` and a caret under column `pos.col`, indented so that callers printing
/// `error: ` before each message line can tell these lines apart.
fn render_snippet(line: &str, pos: Pos) -> String {
    let chars: Vec<char> = line
        .trim_end_matches('\r')
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let col = pos.col.max(1) - 1;
    let (from, to) = if chars.len() <= WINDOW {
        (0, chars.len())
    } else {
        let from = col.saturating_sub(WINDOW / 2).min(chars.len() - WINDOW);
        (from, from + WINDOW)
    };
    let mut shown: String = chars[from..to].iter().collect();
    let mut caret = col.saturating_sub(from).min(to - from);
    if from > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if to < chars.len() {
        shown.push('…');
    }
    let number = pos.line.to_string();
    let pad = " ".repeat(number.len());
    format!("  {number} | {shown}\n  {pad} | {}^", " ".repeat(caret))
}
