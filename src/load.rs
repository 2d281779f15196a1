//! Reading a scenario file: size limit, RON parsing, value checks, building the world.
//! Every failure comes back as an `InputError` that names file, line:column and field.

use crate::scenario::error::InputError;
use crate::scenario::locate::Pos;
use crate::scenario::suggest::{did_you_mean, in_words};
use crate::scenario::{LIMITS, Scenario};
use crate::world::{World, build};
use ron::extensions::Extensions;
use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

/// A scenario and the world built from it.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The file name as given.
    pub file: String,
    /// Its text, to locate problems found later (a sweep's variants).
    pub source: String,
    /// The scenario as written (defaults filled in).
    pub scenario: Scenario,
    /// The hierarchy ready to simulate.
    pub world: World,
}

/// The bytes of the file at `path`, read up to one byte past `max` whatever the file claims
/// to be: a device or a pipe (`/dev/zero`, `<(yes)`) reports no size and never ends. More
/// than `max` bytes back means the file is over the limit.
pub fn read_capped(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The input at `path`, buffered: standard input for `-`, else the file.
pub fn open(path: &Path) -> std::io::Result<Box<dyn std::io::BufRead>> {
    Ok(if is_stdin(path) {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(path)?))
    })
}

/// Whether `path` is `-`, standard input (as ripgrep and cargo take it).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How messages name `path`: `<stdin>` for `-`.
pub fn shown(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// Reads and checks the scenario file at `path`.
pub fn load_file(path: &Path) -> Result<Loaded, InputError> {
    let file = shown(path);
    let io = |source| InputError::Io {
        file: file.clone(),
        source,
    };
    let bytes = read_capped(path, LIMITS.file_bytes).map_err(io)?;
    let size = bytes.len() as u64;
    if size > LIMITS.file_bytes {
        return Err(InputError::TooLarge {
            file,
            size,
            max: LIMITS.file_bytes,
        });
    }
    let src = String::from_utf8(bytes).map_err(|e| not_utf8(&file, e.as_bytes()))?;
    load_str(&file, &src)
}

/// Why `bytes`, not UTF-8, cannot be read, at the first byte that is not: UTF-16 (what some
/// Windows editors save) is named as such.
fn not_utf8(file: &str, bytes: &[u8]) -> InputError {
    let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
    let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let message = match bytes {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => format!(
            "UTF-16 text (byte order mark {:02X} {:02X}); save the file as UTF-8",
            bytes[0], bytes[1]
        ),
        _ => format!("not UTF-8 text (byte {valid}); save the file as UTF-8"),
    };
    InputError::parse(file, before, end_of(before), message)
}

/// The position just after `text`.
fn end_of(text: &str) -> Pos {
    let line = text.matches('\n').count() + 1;
    let last = text.rfind('\n').map_or(text, |i| &text[i + 1..]);
    Pos {
        line,
        col: last.chars().count() + 1,
    }
}

/// Scenario text as RON reads it: without a leading UTF-8 byte order mark (Notepad writes
/// one), and with old Mac line ends (a lone CR) as LF, so that `//` comments end there and
/// lines are counted.
fn normalize(src: &str) -> Cow<'_, str> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let b = src.as_bytes();
    let lone_cr = (0..b.len()).any(|i| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'));
    if !lone_cr {
        return Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Refuses characters that no scenario means to hold and that a reader cannot see: control
/// characters (NUL in a file saved as UTF-16, escape sequences) and invisible ones
/// (zero-width spaces, bidirectional overrides), which would make ids that look alike differ.
fn check_characters(file: &str, src: &str) -> Result<(), InputError> {
    let bad = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}'
            )
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2060}'..='\u{2064}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    let Some((at, c)) = src.char_indices().find(|&(_, c)| bad(c)) else {
        return Ok(());
    };
    let what = if c == '\0' {
        "a NUL byte (is the file UTF-16? save it as UTF-8)"
    } else if c.is_control() {
        "a control character"
    } else {
        "an invisible character"
    };
    Err(InputError::parse(
        file,
        src,
        end_of(&src[..at]),
        format!(
            "{what}, U+{:04X}; write it as an escape (`\\u{{{:x}}}`) inside a string if it is meant",
            c as u32, c as u32
        ),
    ))
}

/// Parses and checks scenario text `src`, reporting errors against the name `file`.
pub fn load_str(file: &str, src: &str) -> Result<Loaded, InputError> {
    let src = &*normalize(src);
    let scenario = parse(file, src)?;
    let world = build(&scenario).map_err(|p| InputError::invalid(file, src, p))?;
    Ok(Loaded {
        file: file.to_string(),
        source: src.to_string(),
        scenario,
        world,
    })
}

/// Parses RON text into a scenario. `Some(...)` may be left out around optional values. A
/// leading byte order mark is skipped and a lone CR ends a line; control and invisible
/// characters are refused.
pub fn parse(file: &str, src: &str) -> Result<Scenario, InputError> {
    let src = &*normalize(src);
    check_characters(file, src)?;
    if src.trim().is_empty() {
        let message = "the file is empty; expected `Scenario(...)`".to_string();
        return Err(InputError::parse(file, src, end_of(src), message));
    }
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    let mut scenario: Scenario = options.from_str(src).map_err(|e| {
        let pos = Pos {
            line: e.span.start.line,
            col: e.span.start.col,
        };
        match &e.code {
            // Reported where the struct closes; name the field itself, not its neighbour.
            ron::Error::MissingStructField { field, outer } => InputError::missing(
                file,
                src,
                pos,
                field,
                outer.as_deref().map_or("this struct", in_words),
            ),
            ron::Error::NoSuchStructField {
                expected,
                found,
                outer,
            } => {
                let of = format!(
                    "a field of {}",
                    outer.as_deref().map_or("this struct", in_words)
                );
                InputError::parse(file, src, pos, not_one_of(found, &of, expected))
            }
            ron::Error::NoSuchEnumVariant {
                expected,
                found,
                outer,
            } => {
                let of = format!(
                    "one of the {}",
                    outer.as_deref().map_or("values allowed here", in_words)
                );
                InputError::parse(file, src, pos, not_one_of(found, &of, expected))
            }
            code => InputError::parse(file, src, pos, code.to_string()),
        }
    })?;
    scenario.resolve();
    Ok(scenario)
}

/// "`found` is not WHAT (did you mean …?); expected one of `a`, `b` or `c`".
fn not_one_of(found: &str, what: &str, expected: &[&str]) -> String {
    let quoted: Vec<String> = expected.iter().map(|n| format!("`{n}`")).collect();
    let list = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "nothing".into(),
    };
    format!(
        "`{found}` is not {what}{}; expected one of {list}",
        did_you_mean(found, expected.iter().copied())
    )
}

/// The scenario files (`*.ron`) of a directory, sorted by name: the gallery.
pub fn scenario_files(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ron") {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}
