//! The fuzz targets' inputs as property tests, for CI (cargo fuzz needs libFuzzer and an
//! unstable compiler flag; see `fuzz/README.md`): the same entry points fed random bytes,
//! mutations of the gallery scenarios (flipped bytes, cuts, duplicated and deleted lines,
//! huge numbers, deep nesting), random and mutated traces, and random shard tables. Nothing
//! may panic; an error names the file (the loader's with a line and column inside it).
//!
//! Reproducible: a fixed seed and a fixed number of cases, no regression files.
//! `CMSIM_FUZZ_SEED=<n>` and `CMSIM_FUZZ_CASES=<n>` (cases per property) override both.

use cmsim::scenario::error::InputError;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::sync::OnceLock;

const SEED: u64 = 0xF022_C0DE;
const CASES: u32 = 512;

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v}: expected a number"))
        })
        .unwrap_or(default)
}

/// `share` of the cases per property (so the cheap ones can run more).
fn config(share: u32) -> Config {
    let seed = env("CMSIM_FUZZ_SEED", SEED);
    let cases = env("CMSIM_FUZZ_CASES", CASES) * share / 4;
    Config {
        cases: cases.max(1),
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

// ---------------------------------------------------------------- scenarios

const GALLERY: [&str; 11] = [
    include_str!("../scenarios/cas-hierarchy.ron"),
    include_str!("../scenarios/dp-failover.ron"),
    include_str!("../scenarios/dp-outage.ron"),
    include_str!("../scenarios/flaky-upstream.ron"),
    include_str!("../scenarios/hidden-deployments.ron"),
    include_str!("../scenarios/lab.ron"),
    include_str!("../scenarios/mandatory-deadline.ron"),
    include_str!("../scenarios/optional-then-deadline.ron"),
    include_str!("../scenarios/sms2003-upgrade.ron"),
    include_str!("../scenarios/wsus-outage.ron"),
    include_str!("../scenarios/scale/million.ron"),
];

/// Loads `src` as `gen.ron`: a success is described; an error names the file and, where it
/// has a position, one inside the text.
fn load_checked(src: &str) -> Result<(), TestCaseError> {
    match cmsim::load_str("gen.ron", src) {
        Ok(loaded) => {
            let _ = cmsim::report::describe(&loaded);
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with("gen.ron"), "no file name: {msg}");
            if let InputError::Invalid { problems, .. } = &e {
                prop_assert!(!problems.is_empty());
                let lines = src.split(['\n', '\r']).count() + 1;
                for p in problems {
                    if let Some(pos) = p.pos {
                        prop_assert!(
                            pos.line >= 1 && pos.col >= 1 && pos.line <= lines,
                            "{msg}: position outside the text"
                        );
                        let at = format!("gen.ron:{}:{}: field `", pos.line, pos.col);
                        prop_assert!(msg.contains(&at), "{msg}");
                    }
                }
            }
        }
    }
    Ok(())
}

/// One edit of scenario text.
#[derive(Clone, Debug)]
enum Edit {
    /// XOR the byte at this fraction of the length.
    Flip(f64, u8),
    /// Keep only this fraction of the text.
    Cut(f64),
    /// Duplicate the line at this fraction of the lines.
    DupLine(f64),
    /// Delete the line at this fraction of the lines.
    DelLine(f64),
    /// Replace the number at this fraction of the numbers with a huge or odd one.
    Number(f64, &'static str),
    /// Insert this many copies of an opening bracket (and maybe the closing ones).
    Nest(f64, &'static str, usize, bool),
    /// Insert a token.
    Token(f64, &'static str),
}

const HUGE: [&str; 9] = [
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999999999",
    "1e308",
    "1e309",
    "-1",
    "-9223372036854775809",
    "0.0000000000000000000001",
    "NaN",
];

const TOKENS: [&str; 16] = [
    "\"",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "//",
    "/*",
    "Some(",
    "None",
    "\"0\"",
    "\"18446744073709551615ms\"",
    "\"99999999TB\"",
    "r#\"x\"#",
    "\u{feff}",
];

fn at(frac: f64, len: usize) -> usize {
    ((frac * len as f64) as usize).min(len)
}

/// The byte index at or after `i` that starts a character.
fn boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

fn apply(src: &str, edit: &Edit) -> String {
    match *edit {
        Edit::Flip(f, x) => {
            let mut b = src.as_bytes().to_vec();
            if !b.is_empty() {
                let i = at(f, b.len() - 1);
                b[i] ^= x.max(1);
            }
            String::from_utf8_lossy(&b).into_owned()
        }
        Edit::Cut(f) => src[..boundary(src, at(f, src.len()))].to_string(),
        Edit::DupLine(f) | Edit::DelLine(f) => {
            let mut lines: Vec<&str> = src.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let i = at(f, lines.len() - 1);
                if matches!(edit, Edit::DupLine(_)) {
                    lines.insert(i, lines[i]);
                } else {
                    lines.remove(i);
                }
            }
            lines.concat()
        }
        Edit::Number(f, n) => {
            let spans: Vec<(usize, usize)> = number_spans(src);
            if spans.is_empty() {
                return src.to_string();
            }
            let (a, b) = spans[at(f, spans.len() - 1)];
            format!("{}{n}{}", &src[..a], &src[b..])
        }
        Edit::Nest(f, open, n, closed) => {
            let i = boundary(src, at(f, src.len()));
            let close = match open {
                "(" => ")",
                "[" => "]",
                "{" => "}",
                "Some(" => ")",
                _ => "*/",
            };
            let inner = if closed {
                close.repeat(n)
            } else {
                String::new()
            };
            format!("{}{}{inner}{}", &src[..i], open.repeat(n), &src[i..])
        }
        Edit::Token(f, t) => {
            let i = boundary(src, at(f, src.len()));
            format!("{}{t}{}", &src[..i], &src[i..])
        }
    }
}

/// Byte spans of the runs of ASCII digits.
fn number_spans(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

fn frac() -> impl Strategy<Value = f64> {
    0.0..1.0f64
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (frac(), any::<u8>()).prop_map(|(f, x)| Edit::Flip(f, x)),
        frac().prop_map(Edit::Cut),
        frac().prop_map(Edit::DupLine),
        frac().prop_map(Edit::DelLine),
        (frac(), prop::sample::select(&HUGE[..])).prop_map(|(f, n)| Edit::Number(f, n)),
        (
            frac(),
            prop::sample::select(&["(", "[", "{", "Some(", "/*"][..]),
            prop_oneof![1..10usize, 100..200usize, 5_000..20_000usize],
            any::<bool>()
        )
            .prop_map(|(f, o, n, c)| Edit::Nest(f, o, n, c)),
        (frac(), prop::sample::select(&TOKENS[..])).prop_map(|(f, t)| Edit::Token(f, t)),
    ]
}

#[test]
fn the_loader_survives_random_bytes() {
    proptest!(config(4), |(bytes in prop::collection::vec(any::<u8>(), 0..2048))| {
        load_checked(&String::from_utf8_lossy(&bytes))?;
    });
}

#[test]
fn the_loader_survives_random_ron_shaped_text() {
    let piece = prop_oneof![
        prop::sample::select(&TOKENS[..]).prop_map(str::to_string),
        prop::sample::select(&HUGE[..]).prop_map(str::to_string),
        "[a-z_]{1,12}".prop_map(|s| s),
        "[A-Z][a-zA-Z]{0,10}".prop_map(|s| s),
        "\"[ -~]{0,12}\"".prop_map(|s| s),
        Just("\n".to_string()),
        Just(" ".to_string()),
    ];
    proptest!(config(4), |(pieces in prop::collection::vec(piece, 0..200))| {
        load_checked(&format!("Scenario({})", pieces.concat()))?;
    });
}

#[test]
fn the_loader_survives_mutated_gallery_scenarios() {
    proptest!(config(8), |(
        which in 0..GALLERY.len(),
        edits in prop::collection::vec(edit(), 1..6),
    )| {
        let mut src = GALLERY[which].to_string();
        for e in &edits {
            src = apply(&src, e);
        }
        load_checked(&src)?;
    });
}

// ---------------------------------------------------------------- small parsers

#[test]
fn the_small_parsers_survive_random_text() {
    let text = prop_oneof![
        "[0-9 .smhdwinKMGTB/]{0,24}",
        "[0-9]{0,30}(ms|s|m|min|h|d|w|B|KB|MB|GB|TB)?",
        "[0-9]{1,25}\\.\\.[0-9]{1,25}",
        "[0-9]{1,25}/[0-9]{1,25}",
        any::<String>(),
    ];
    proptest!(config(16), |(s in text)| {
        if let Ok(d) = cmsim::engine::SimDuration::parse(&s) {
            let shown = cmsim::scenario::Dur(d).to_string();
            prop_assert_eq!(cmsim::engine::SimDuration::parse(&shown), Ok(d), "{:?} shown as {:?}", s, shown);
        }
        let _ = cmsim::scenario::Bytes::parse(&s);
        let _ = cmsim::run::parse_until(&s);
        let _ = cmsim::run::parse_sample(&s);
        if let Ok(r) = cmsim::run::parse_client_range(&s) {
            prop_assert!(r.start < r.end);
        }
        if let Ok(shard) = cmsim::sweep::Shard::parse(&s) {
            prop_assert!(shard.index < shard.count);
        }
        let mut settings = cmsim::scenario::Settings::default();
        for p in cmsim::scenario::Settings::default().params() {
            let _ = settings.set(p.name, &s);
        }
    });
}

// ---------------------------------------------------------------- traces

/// A real trace of a small run, made once.
fn real_trace() -> &'static str {
    static TRACE: OnceLock<String> = OnceLock::new();
    TRACE.get_or_init(|| {
        let src = r#"Scenario(name: "tiny", seed: 1, end: "2d",
          sites: [(code: "PR1", kind: Primary, sup: "SUP", management_points: ["MP"], distribution_points: ["DP"])],
          clients: [(name: "pcs", site: "PR1", count: 2)],
          catalog: [(id: "KB1", size: "10MB"), (id: "KB2", size: "1MB", supersedes: ["KB1"], released: "1d")],
          actions: [RunSync(at: "1d 2h")],
          deployments: [(id: "D1", updates: ["KB1"], target: [(group: "pcs")], created: "3h", deadline: "1d")])"#;
        cmsim::trace_to_string(&cmsim::load_str("tiny.ron", src).unwrap().world)
    })
}

fn lab() -> &'static cmsim::scenario::Scenario {
    static LAB: OnceLock<cmsim::scenario::Scenario> = OnceLock::new();
    LAB.get_or_init(|| cmsim::load::parse("lab.ron", GALLERY[5]).unwrap())
}

/// Reads and verifies `text` with and without the lab's settings; an error names the file.
fn verify_checked(text: &[u8]) -> Result<(), TestCaseError> {
    match cmsim::rules::trace::read("gen.jsonl", text, 1 << 30) {
        Ok(lines) => {
            let _ = cmsim::rules::verify(&lines, None).render();
            let _ = cmsim::rules::verify(&lines, Some(lab())).render();
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with("gen.jsonl:"), "no file name: {msg}");
        }
    }
    Ok(())
}

const KINDS: [&str; 24] = [
    "trace_start",
    "run_end",
    "sync_start",
    "sync_request",
    "wsus_sync_done",
    "site_db_updated",
    "status_message",
    "policy_created",
    "policy_received",
    "scan_scheduled",
    "scan_start",
    "scan_done",
    "state_messages_sent",
    "state_messages_forwarded",
    "db_state_changed",
    "deployment_created",
    "content_on_dp",
    "download_start",
    "download_done",
    "install_start",
    "install_done",
    "restart",
    "notification",
    "dp_connect_failed",
];

const KEYS: [&str; 24] = [
    "site",
    "sup",
    "client",
    "count",
    "changed",
    "listed",
    "mp",
    "update",
    "deployment",
    "dp",
    "at",
    "deadline",
    "deadline_in",
    "end",
    "events",
    "lines",
    "bytes",
    "downloaded",
    "id",
    "updates",
    "from",
    "to",
    "group",
    "trace_clients",
];

fn json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop_oneof![
            Just(0u64),
            Just(1),
            Just(u64::MAX),
            Just(1 << 53),
            Just((1 << 53) + 1),
            any::<u64>()
        ]
        .prop_map(|n| n.to_string()),
        prop::sample::select(
            &[
                "null",
                "true",
                "-1",
                "1.5",
                "1e400",
                "[]",
                "{}",
                "[0,5]",
                "[5,0]",
                "[0,18446744073709551615]"
            ][..]
        )
        .prop_map(str::to_string),
        prop::sample::select(
            &[
                "PR1",
                "SUP",
                "MP",
                "DP",
                "KB1",
                "KB2",
                "D1",
                "pcs",
                "unknown",
                "installed",
                ""
            ][..]
        )
        .prop_map(|s| format!("\"{s}\"")),
    ]
}

fn random_line() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(0u64), 0..200_000_000u64, Just(1 << 53), any::<u64>()],
        prop::sample::select(&KINDS[..]),
        prop::collection::vec((prop::sample::select(&KEYS[..]), json_value()), 0..6),
    )
        .prop_map(|(t, kind, fields)| {
            let mut s = format!("{{\"t\":{t},\"kind\":\"{kind}\"");
            for (k, v) in fields {
                s.push_str(&format!(",\"{k}\":{v}"));
            }
            s.push('}');
            s
        })
}

#[test]
fn the_trace_reader_survives_random_bytes() {
    proptest!(config(4), |(bytes in prop::collection::vec(any::<u8>(), 0..2048))| {
        verify_checked(&bytes)?;
    });
}

#[test]
fn the_trace_reader_survives_random_traces() {
    proptest!(config(4), |(lines in prop::collection::vec(random_line(), 0..60))| {
        verify_checked(lines.join("\n").as_bytes())?;
    });
}

/// One edit of a trace.
#[derive(Clone, Debug)]
enum TraceEdit {
    Del(f64),
    Dup(f64),
    Swap(f64, f64),
    /// Set a number of the line to an extreme.
    Number(f64, u64),
    /// Insert a random line.
    Insert(f64, String),
    Cut(f64),
    Flip(f64, u8),
}

fn trace_edit() -> impl Strategy<Value = TraceEdit> {
    prop_oneof![
        frac().prop_map(TraceEdit::Del),
        frac().prop_map(TraceEdit::Dup),
        (frac(), frac()).prop_map(|(a, b)| TraceEdit::Swap(a, b)),
        (
            frac(),
            prop_oneof![Just(u64::MAX), Just(1u64 << 53), Just(0), any::<u64>()]
        )
            .prop_map(|(f, n)| TraceEdit::Number(f, n)),
        (frac(), random_line()).prop_map(|(f, l)| TraceEdit::Insert(f, l)),
        frac().prop_map(TraceEdit::Cut),
        (frac(), any::<u8>()).prop_map(|(f, x)| TraceEdit::Flip(f, x)),
    ]
}

fn apply_trace(text: &str, e: &TraceEdit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len();
    let pick = |f: f64| at(f, n.saturating_sub(1));
    match e {
        _ if n == 0 => {}
        TraceEdit::Del(f) => {
            lines.remove(pick(*f));
        }
        TraceEdit::Dup(f) => {
            let i = pick(*f);
            lines.insert(i, lines[i].clone());
        }
        TraceEdit::Swap(a, b) => lines.swap(pick(*a), pick(*b)),
        TraceEdit::Number(f, v) => {
            let i = pick(*f);
            let spans = number_spans(&lines[i]);
            if let Some(&(a, b)) = spans.get(at(*f * 7.0 % 1.0, spans.len().saturating_sub(1))) {
                lines[i] = format!("{}{v}{}", &lines[i][..a], &lines[i][b..]);
            }
        }
        TraceEdit::Insert(f, l) => lines.insert(pick(*f), l.clone()),
        TraceEdit::Cut(f) => {
            let joined = lines.join("\n");
            return joined[..boundary(&joined, at(*f, joined.len()))].to_string();
        }
        TraceEdit::Flip(f, x) => {
            let mut b = lines.join("\n").into_bytes();
            let i = at(*f, b.len() - 1);
            b[i] ^= (*x).max(1);
            return String::from_utf8_lossy(&b).into_owned();
        }
    }
    lines.join("\n")
}

#[test]
fn the_trace_reader_survives_mutated_real_traces() {
    proptest!(config(4), |(edits in prop::collection::vec(trace_edit(), 1..8))| {
        let mut text = real_trace().to_string();
        for e in &edits {
            text = apply_trace(&text, e);
        }
        verify_checked(text.as_bytes())?;
    });
}

// ---------------------------------------------------------------- shard tables

fn table() -> impl Strategy<Value = String> {
    // A first line like `cmsim sweep` writes (shard and sizes drawn), or a broken one.
    let meta = prop_oneof![
        (0..4usize, 1..4usize, 0..8usize, 0..3usize, any::<bool>()).prop_map(
            |(i, n, points, params, shard)| {
                let shard = if shard { format!("shard {i}/{n}, ") } else { String::new() };
                format!("# cmsim sweep: {shard}points {points}, parameters {params}, sweep 00000000000000ab")
            }
        ),
        Just("# cmsim sweep: points 99999999999999999999, parameters 1, sweep 0".to_string()),
        "# cmsim sweep: [ -~]{0,40}".prop_map(|s| s),
        Just(String::new()),
    ];
    let header = prop::sample::select(
        &[
            "point,sync_retry_interval,compliance_50",
            "point,a",
            "point",
            "",
            "x,y",
            "point,a,b,c,d",
        ][..],
    );
    let row = prop_oneof![
        (
            prop_oneof![0..20u64, Just(u64::MAX), any::<u64>()],
            "[-0-9a-z.,]{0,20}"
        )
            .prop_map(|(p, rest)| format!("{p},{rest}")),
        "[ -~]{0,30}".prop_map(|s| s),
        Just(String::new()),
        Just("-1,2".to_string()),
        Just("18446744073709551616,1".to_string()),
        Just("0,x,inf".to_string()),
        Just("1,\"a,b\",never".to_string()),
    ];
    (
        meta,
        header,
        prop::collection::vec(row, 0..20),
        any::<bool>(),
    )
        .prop_map(|(m, h, rows, crlf)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut s = format!("{m}{end}{h}{end}");
            for r in rows {
                s.push_str(&r);
                s.push_str(end);
            }
            s
        })
}

fn merge_checked(tables: &[(String, Vec<u8>)]) -> Result<(), TestCaseError> {
    if let Ok(out) = cmsim::sweep::merge(tables) {
        // One first line, one header, then each point once, in order.
        let mut lines = out.lines();
        prop_assert!(
            lines
                .next()
                .is_some_and(|l| l.starts_with("# cmsim sweep: ")),
            "{out}"
        );
        lines.next();
        let body = lines.collect::<Vec<_>>().join("\n");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body.as_bytes());
        let points: Vec<u64> = reader
            .records()
            .map(|r| r.unwrap()[0].parse().unwrap())
            .collect();
        prop_assert!(points.windows(2).all(|w| w[0] < w[1]), "{out}");
    }
    Ok(())
}

#[test]
fn the_shard_merge_survives_random_tables() {
    proptest!(config(8), |(tables in prop::collection::vec(table(), 1..4))| {
        let named: Vec<(String, Vec<u8>)> = tables
            .into_iter()
            .enumerate()
            .map(|(i, t)| (format!("shard-{i}.csv"), t.into_bytes()))
            .collect();
        merge_checked(&named)?;
    });
}

#[test]
fn the_shard_merge_survives_random_bytes() {
    proptest!(config(4), |(bytes in prop::collection::vec(any::<u8>(), 0..1024), cuts in 1..4usize)| {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let step = text.len() / cuts + 1;
        let mut named = Vec::new();
        let mut start = 0;
        for i in 0..cuts {
            let end = boundary(&text, (start + step).min(text.len()));
            named.push((format!("shard-{i}.csv"), text.as_bytes()[start..end].to_vec()));
            start = end;
        }
        let _ = cmsim::sweep::merge(&named);
    });
}
