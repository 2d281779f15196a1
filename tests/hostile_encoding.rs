//! Hostile-input suite, class "encoding": scenario files as editors, other systems and
//! attackers save them. Each is either refused with exit code 2 and a message naming
//! `file:line:column` where there is one, or legitimately fine and then runs. No panic, no
//! hang (every run is killed after 20 s), nothing written when refused.

mod common;

use common::hostile::{assert_has, cmsim, files_in, temp};
use common::tempdir::TestDir;
use std::path::{Path, PathBuf};

/// A small scenario that runs in well under a second, with comments (which end at a line
/// end, so line ends matter) and a string on line 3.
const TINY: &str = "// A tiny lab.\nScenario(\n    name: \"tiny\", // the name\n    seed: 1,\n    \
end: \"2d\",\n    sites: [(code: \"PR1\", kind: Primary, sup: \"SUP\", management_points: [\"MP\"], \
distribution_points: [\"DP\"])],\n    clients: [(name: \"pcs\", site: \"PR1\", count: 3)],\n    \
catalog: [(id: \"KB1\", size: \"10MB\")],\n    deployments: [(id: \"D1\", updates: [\"KB1\"], \
target: [(group: \"pcs\")], created: \"3h\", deadline: \"1d\")],\n)\n";

/// TINY with line 4 (`seed: 1,`) broken: `seed: x,`, an error RON reports at 4:10 (where
/// the value starts, before its space).
fn broken() -> String {
    TINY.replace("seed: 1,", "seed: x,")
}

/// Writes `bytes` as `NAME.ron` in a fresh directory; returns the directory (removed when
/// dropped) and the file.
fn write(name: &str, bytes: &[u8]) -> (TestDir, PathBuf) {
    let dir = temp(name);
    let path = dir.join(format!("{name}.ron"));
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// `check` and `run` (with `--out` and `--trace`) both refuse the file with exit code 2,
/// every part of `expected` in the message, and write nothing.
fn refused(name: &str, bytes: &[u8], expected: &[&str]) {
    let (dir, path) = write(name, bytes);
    refused_at(&dir, &path, expected);
}

fn refused_at(dir: &Path, path: &Path, expected: &[&str]) {
    let p = path.to_str().unwrap();
    let out = dir.join("out");
    let trace = dir.join("t.jsonl");
    let before = files_in(dir);
    for cmd in [
        vec!["check", p],
        vec![
            "run",
            p,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
            "--trace",
            trace.to_str().unwrap(),
        ],
        vec!["rules", "--scenario", p],
    ] {
        let (code, stdout, err) = cmsim(&cmd);
        assert_eq!(code, 2, "`cmsim {}`: {err}", cmd.join(" "));
        assert_has(&err, expected);
        assert!(stdout.is_empty(), "nothing on stdout: {stdout}");
        assert_eq!(
            files_in(dir),
            before,
            "`cmsim {}` wrote a file",
            cmd.join(" ")
        );
    }
}

/// `check` accepts the file and `run` runs it, writing its outputs; returns `check`'s output
/// and the summary.
fn accepted(name: &str, bytes: &[u8]) -> (String, String) {
    let (dir, path) = write(name, bytes);
    let p = path.to_str().unwrap();
    let (code, described, err) = cmsim(&["check", p]);
    assert_eq!(code, 0, "`cmsim check`: {err}");
    assert_has(&described, &[": OK — "]);
    let out = dir.join("out");
    let (code, _, err) = cmsim(&["run", p, "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "`cmsim run`: {err}");
    let summary = std::fs::read_to_string(out.join("summary.json")).expect("summary written");
    (described, summary)
}

#[test]
fn the_tiny_scenario_itself_runs() {
    let (described, _) = accepted("plain", TINY.as_bytes());
    assert_has(&described, &["OK — tiny", "Clients: 3 in 1 groups"]);
    refused(
        "plain-broken",
        broken().as_bytes(),
        &["plain-broken.ron:4:10: field `seed`"],
    );
}

#[test]
fn a_utf8_byte_order_mark_is_skipped() {
    // Notepad saves UTF-8 with a BOM; it is no character of the file.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(TINY.as_bytes());
    accepted("bom", &bytes);
    // Positions are those of the text: the BOM takes no column.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"Scenario(nom: 1)");
    refused(
        "bom-col",
        &bytes,
        &[
            "bom-col.ron:1:10: field `nom`",
            "`nom` is not a field of the scenario",
        ],
    );
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(broken().as_bytes());
    refused("bom-broken", &bytes, &["bom-broken.ron:4:10: field `seed`"]);
}

#[test]
fn a_byte_order_mark_inside_the_file_is_refused() {
    let text = TINY.replace("name: \"tiny\"", "name: \"ti\u{feff}ny\"");
    refused(
        "inner-bom",
        text.as_bytes(),
        &[
            "inner-bom.ron:3:14: field `name`",
            "invisible character, U+FEFF",
        ],
    );
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_with_a_byte_order_mark_is_named_as_such() {
    refused(
        "utf16le",
        &utf16(TINY, false, true),
        &[
            "utf16le.ron:1:1:",
            "UTF-16 text (byte order mark FF FE)",
            "save the file as UTF-8",
        ],
    );
    refused(
        "utf16be",
        &utf16(TINY, true, true),
        &[
            "utf16be.ron:1:1:",
            "UTF-16 text (byte order mark FE FF)",
            "save the file as UTF-8",
        ],
    );
}

#[test]
fn utf16_without_a_byte_order_mark_is_refused_at_its_first_nul() {
    // ASCII as UTF-16 LE is valid UTF-8 with a NUL after every character.
    refused(
        "utf16le-nobom",
        &utf16(TINY, false, false),
        &["utf16le-nobom.ron:1:2:", "a NUL byte (is the file UTF-16?"],
    );
    // Big endian: the NUL comes first.
    refused(
        "utf16be-nobom",
        &utf16(TINY, true, false),
        &["utf16be-nobom.ron:1:1:", "a NUL byte"],
    );
}

#[test]
fn invalid_utf8_is_refused_at_its_line_and_column() {
    let cases: [(&str, &[u8], &str); 6] = [
        // Latin-1 as saved by an old editor: `é` is one byte E9.
        ("latin1", b"\xE9", "3:14:"),
        ("lone-continuation", b"\x80", "3:14:"),
        ("overlong", b"\xC0\xAF", "3:14:"),
        ("surrogate", b"\xED\xA0\x80", "3:14:"),
        ("over-max", b"\xF5\x80\x80\x80", "3:14:"),
        ("truncated", b"\xE2\x82", "3:14:"),
    ];
    for (name, bad, at) in cases {
        let mut bytes = Vec::new();
        let (head, tail) = TINY.split_at(TINY.find("tiny\"").unwrap() + 2);
        bytes.extend_from_slice(head.as_bytes());
        bytes.extend_from_slice(bad);
        bytes.extend_from_slice(tail.as_bytes());
        refused(
            name,
            &bytes,
            &[
                &format!("{name}.ron:{at} field `name`"),
                "not UTF-8 text (byte",
                "save the file as UTF-8",
            ],
        );
    }
    // A multi-byte character cut off at the very end of the file.
    let mut bytes = TINY.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xF0\x9F\x92");
    refused(
        "cut-at-end",
        &bytes,
        &["cut-at-end.ron:11:1:", "not UTF-8 text"],
    );
}

#[test]
fn nul_bytes_are_refused_where_they_are() {
    refused(
        "nul",
        TINY.replace("seed: 1,", "seed: 1,\0").as_bytes(),
        &["nul.ron:4:13: field `(top level)`", "a NUL byte"],
    );
    refused(
        "nul-in-string",
        TINY.replace("\"pcs\", site", "\"p\0cs\", site").as_bytes(),
        &[
            "nul-in-string.ron:7:24: field `clients[0].name`",
            "a NUL byte",
        ],
    );
    refused(
        "only-nul",
        b"\0\0\0\0",
        &["only-nul.ron:1:1:", "a NUL byte"],
    );
}

#[test]
fn raw_control_characters_are_refused_escaped_ones_are_text() {
    // An escape sequence that would clear the terminal `check` prints to.
    refused(
        "escape",
        TINY.replace("name: \"tiny\"", "name: \"\x1b[2Jtiny\"")
            .as_bytes(),
        &[
            "escape.ron:3:12: field `name`",
            "a control character, U+001B",
        ],
    );
    refused(
        "del",
        TINY.replace("name: \"tiny\"", "name: \"ti\x7fny\"")
            .as_bytes(),
        &["del.ron:3:14: field `name`", "a control character, U+007F"],
    );
    refused(
        "c1",
        TINY.replace("name: \"tiny\"", "name: \"ti\u{85}ny\"")
            .as_bytes(),
        &["c1.ron:3:14: field `name`", "a control character, U+0085"],
    );
    // Written as an escape it is the author's choice.
    accepted(
        "escaped-tab",
        TINY.replace("\"tiny\"", "\"ti\\tny\"").as_bytes(),
    );
}

#[test]
fn crlf_line_ends_are_fine_and_positions_stay_right() {
    accepted("crlf", TINY.replace('\n', "\r\n").as_bytes());
    refused(
        "crlf-broken",
        broken().replace('\n', "\r\n").as_bytes(),
        &["crlf-broken.ron:4:10: field `seed`"],
    );
}

#[test]
fn cr_only_line_ends_are_fine_and_positions_stay_right() {
    // Old Mac line ends: without care the first `//` comment would run to the end of file.
    accepted("cr", TINY.replace('\n', "\r").as_bytes());
    refused(
        "cr-broken",
        broken().replace('\n', "\r").as_bytes(),
        &["cr-broken.ron:4:10: field `seed`"],
    );
    // Mixed line ends count one line each.
    let mixed: String = broken()
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| match i % 3 {
            0 => l.replace('\n', "\r\n"),
            1 => l.replace('\n', "\r"),
            _ => l.to_string(),
        })
        .collect();
    refused("mixed", mixed.as_bytes(), &["mixed.ron:4:10: field `seed`"]);
}

#[test]
fn tabs_are_whitespace_and_count_one_column() {
    accepted("tabs", TINY.replace("    ", "\t").as_bytes());
    refused(
        "tabs-broken",
        broken().replace("    ", "\t").as_bytes(),
        &["tabs-broken.ron:4:7: field `seed`"],
    );
}

#[test]
fn a_very_long_line_is_read_and_located() {
    // 4 MB on one line: a description, then an error at its end.
    let long = "x".repeat(4_000_000);
    let text = TINY.replace(
        "name: \"tiny\",",
        &format!("name: \"tiny\", description: \"{long}\","),
    );
    accepted("long", text.as_bytes());
    let text = TINY.replace(
        "name: \"tiny\",",
        &format!("name: \"tiny\", description: \"{long}\", bogus: 1,"),
    );
    refused(
        "long-broken",
        text.as_bytes(),
        &[
            "long-broken.ron:3:4000036: field `bogus`",
            "`bogus` is not a field of the scenario",
        ],
    );
    // Everything on one line, comments aside.
    let one_line = TINY
        .lines()
        .map(|l| l.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    accepted("one-line", one_line.as_bytes());
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let cases = [
        (
            "deep-list",
            TINY.replace("seed: 1,", &format!("seed: {},", deep("[", "]", 100_000))),
        ),
        (
            "deep-tuple",
            TINY.replace("seed: 1,", &format!("seed: {},", deep("(", ")", 100_000))),
        ),
        (
            "deep-map",
            TINY.replace("seed: 1,", &format!("seed: {},", deep("{", "}", 100_000))),
        ),
        (
            "deep-some",
            TINY.replace(
                "seed: 1,",
                &format!("seed: {}1{},", "Some(".repeat(50_000), ")".repeat(50_000)),
            ),
        ),
        (
            "deep-unclosed",
            TINY.replace("seed: 1,", &format!("seed: {}", "[".repeat(100_000))),
        ),
        (
            "deep-unknown",
            TINY.replace("seed: 1,", &format!("bogus: {},", deep("[", "]", 100_000))),
        ),
        (
            "deep-sites",
            TINY.replace(
                "sites: [",
                &format!("sites: [{}, ", deep("(", ")", 100_000)),
            ),
        ),
        (
            "deep-settings",
            TINY.replace(
                "seed: 1,",
                &format!("settings: (scan_window: {}),", deep("(", ")", 100_000)),
            ),
        ),
        ("deep-top", deep("(", ")", 100_000)),
        (
            "deep-struct",
            format!(
                "{}1{}",
                "Scenario(name: ".repeat(20_000),
                ")".repeat(20_000)
            ),
        ),
        ("deep-comment", format!("{}{}", "/*".repeat(100_000), TINY)),
    ];
    for (name, text) in &cases {
        refused(name, text.as_bytes(), &[&format!("{name}.ron:")]);
    }
    // Block comments nest in RON; closed ones are comments, however deep.
    let text = TINY.replace(
        "seed: 1,",
        &format!("seed: 1, {}", deep("/*", "*/", 100_000)),
    );
    accepted("deep-closed-comment", text.as_bytes());
}

#[test]
fn non_ascii_ids_and_emoji_names_work_end_to_end() {
    let text = TINY
        .replace("\"tiny\"", "\"Labor 🧪 Zürich — ünïcödé\"")
        .replace("\"pcs\"", "\"Postes-de-travail 💻\"")
        .replace("\"KB1\"", "\"KB-ß-日本\"")
        .replace("\"D1\"", "\"Déploiement 👩‍💻\"");
    let (described, summary) = accepted("emoji", text.as_bytes());
    assert_has(&described, &["Labor 🧪 Zürich — ünïcödé"]);
    assert_has(&summary, &["Déploiement 👩‍💻", "KB-ß-日本"]);
    // Columns count characters, not bytes: `bogus` after two four-byte emoji.
    refused(
        "emoji-col",
        "Scenario(name: \"💻💻\", bogus: 1)".as_bytes(),
        &["emoji-col.ron:1:22: field `bogus`"],
    );
    // A group named in a script other than Latin is matched exactly.
    refused(
        "emoji-ref",
        text.replace(
            "(group: \"Postes-de-travail 💻\")",
            "(group: \"Postes-de-travail 🖥\")",
        )
        .as_bytes(),
        &[
            "emoji-ref.ron:9:75: field `deployments[0].target[0].group`",
            "Postes-de-travail 🖥",
        ],
    );
}

#[test]
fn invisible_characters_are_refused_so_ids_that_look_alike_cannot_differ() {
    for (name, c) in [
        ("zwsp", '\u{200B}'),
        ("zwnj", '\u{200C}'),
        ("lrm", '\u{200E}'),
        ("rlo", '\u{202E}'),
        ("word-joiner", '\u{2060}'),
        ("isolate", '\u{2066}'),
    ] {
        // A site code that would print as `PR1` yet not match `site: "PR1"`.
        let text = TINY.replace("(code: \"PR1\"", &format!("(code: \"PR1{c}\""));
        refused(
            name,
            text.as_bytes(),
            &[
                &format!("{name}.ron:6:24: field `sites[0].code`"),
                &format!("an invisible character, U+{:04X}", c as u32),
            ],
        );
    }
    // In a comment too: a bidirectional override can make code read differently.
    refused(
        "rlo-comment",
        TINY.replace("// the name", "// the \u{202E}eman")
            .as_bytes(),
        &["rlo-comment.ron:3:26:", "U+202E"],
    );
}

#[test]
fn a_directory_is_refused() {
    let dir = temp("dir");
    let sub = dir.join("scenario.ron");
    std::fs::create_dir(&sub).unwrap();
    refused_at(&dir, &sub, &["scenario.ron: cannot read"]);
}

#[test]
fn an_empty_file_or_dev_null_is_refused() {
    refused("empty", b"", &["empty.ron:1:1:", "the file is empty"]);
    refused(
        "blank",
        b"\n  \r\n\t\n",
        &["blank.ron:", "the file is empty"],
    );
    refused(
        "comment-only",
        b"// nothing here\n",
        &["comment-only.ron:1:16:", "Scenario"],
    );
    let (code, out, err) = cmsim(&["check", "/dev/null"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_has(&err, &["/dev/null:1:1:", "the file is empty"]);
}

/// Makes a FIFO; false where `mkfifo` is missing.
fn fifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_fifo_is_read_like_a_file_and_an_endless_one_is_cut_off() {
    let dir = temp("fifo");
    let path = dir.join("scenario.ron");
    if !fifo(&path) {
        eprintln!("no mkfifo: skipped");
        return;
    }
    let p = path.to_str().unwrap();
    // A writer that sends the scenario and closes: as good as a file.
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || std::fs::write(path, TINY))
    };
    let (code, out, err) = cmsim(&["check", p]);
    writer.join().unwrap().unwrap();
    assert_eq!(code, 0, "{err}");
    assert_has(&out, &["OK — tiny"]);
    // A writer that never stops: refused one byte past the size limit. The writer ends
    // when the reader closes the pipe.
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            let chunk = vec![b' '; 1 << 16];
            while f.write_all(&chunk).is_ok() {}
        })
    };
    let (code, _, err) = cmsim(&["check", p]);
    writer.join().unwrap();
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["scenario.ron: more than 16777216 bytes"]);
}
