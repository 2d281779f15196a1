//! Reading a scenario file: size limit, RON parsing, value checks, building the world.
//! Every failure comes back as an `InputError` that names file, line:column and field.

use crate::scenario::error::InputError;
use crate::scenario::locate::Pos;
use crate::scenario::suggest::{did_you_mean, in_words};
use crate::scenario::{LIMITS, Scenario};
use crate::world::{World, build};
use ron::extensions::Extensions;
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

/// Reads and checks the scenario file at `path`.
pub fn load_file(path: &Path) -> Result<Loaded, InputError> {
    let file = path.display().to_string();
    let io = |source| InputError::Io {
        file: file.clone(),
        source,
    };
    // Read at most one byte over the limit, whatever the file claims to be: a device or a
    // pipe (`/dev/zero`, `<(yes)`) reports no size and never ends.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(LIMITS.file_bytes + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    let size = bytes.len() as u64;
    if size > LIMITS.file_bytes {
        return Err(InputError::TooLarge {
            file,
            size,
            max: LIMITS.file_bytes,
        });
    }
    let src = String::from_utf8(bytes).map_err(|e| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        ))
    })?;
    load_str(&file, &src)
}

/// Parses and checks scenario text `src`, reporting errors against the name `file`.
pub fn load_str(file: &str, src: &str) -> Result<Loaded, InputError> {
    let scenario = parse(file, src)?;
    let world = build(&scenario).map_err(|p| InputError::invalid(file, src, p))?;
    Ok(Loaded {
        file: file.to_string(),
        source: src.to_string(),
        scenario,
        world,
    })
}

/// Parses RON text into a scenario. `Some(...)` may be left out around optional values.
pub fn parse(file: &str, src: &str) -> Result<Scenario, InputError> {
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    options.from_str(src).map_err(|e| {
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
    })
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
