//! Reading a trace back: each line's common fields, typed loosely so that a trace with
//! added kinds or fields still reads. The rule checker depends on this and on the public
//! format only, never on the model.

use serde::Deserialize;
use std::io::{BufRead, Read};

/// One trace line; fields a kind does not carry are `None`.
#[derive(Clone, Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Line {
    /// 1-based line number in the file.
    #[serde(skip)]
    pub line: usize,
    pub t: u64,
    pub kind: String,
    pub site: Option<String>,
    pub sup: Option<String>,
    pub mode: Option<String>,
    pub upstream: Option<String>,
    pub internet: Option<bool>,
    pub trigger: Option<String>,
    pub id: Option<u64>,
    pub at: Option<u64>,
    pub reason: Option<String>,
    pub to_site: Option<String>,
    pub to_sup: Option<String>,
    pub updates: Option<u64>,
    pub client: Option<u64>,
    pub policy: Option<String>,
    pub changed: Option<u64>,
    pub listed: Option<u64>,
    pub count: Option<u64>,
    pub mp: Option<String>,
    // `state_messages_forwarded`: the database; `mp_backlog`, `db_backlog`: messages waiting.
    pub database: Option<String>,
    pub queued: Option<u64>,
    pub group: Option<String>,
    pub update: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    // `content_fallback`, `peer_download_start`, a `download_done` from a peer.
    pub from_group: Option<String>,
    pub to_group: Option<String>,
    pub peer: Option<u64>,
    pub from_peer: Option<bool>,
    /// `None` when the key is absent, `Some(None)` when it is `null` (an unfiltered trace):
    /// the header must carry the key either way.
    #[serde(default, deserialize_with = "present")]
    pub trace_clients: Option<Option<[u64; 2]>>,
    pub deployment: Option<String>,
    pub dp: Option<String>,
    pub manual: Option<bool>,
    pub deadline: Option<u64>,
    pub deadline_in: Option<u64>,
    pub mandatory: Option<bool>,
    pub dialog: Option<String>,
    pub deployments: Option<Vec<String>>,
    pub restart: Option<bool>,
    pub forced: Option<bool>,
    pub outside_window: Option<bool>,
    pub window: Option<String>,
    pub applies_to: Option<String>,
    // `machines_at_start`: machines per state.
    pub compliant: Option<u64>,
    pub pending_restart: Option<u64>,
    pub never_online: Option<u64>,
    pub waiting_for_window: Option<u64>,
    pub required: Option<u64>,
    pub restart_at: Option<u64>,
    // `scan_failed`: the scan that failed and when it is retried (null: the next cycle).
    pub scan: Option<String>,
    pub retry_at: Option<u64>,
    // `scan_start`: a full scan (the first against its WSUS).
    pub full: Option<bool>,
    pub scanned_at: Option<u64>,
    pub bytes: Option<u64>,
    pub downloaded: Option<u64>,
    pub time_based_on: Option<String>,
    // `phase_started`: the phase's number; `targeted_machines`: the collection's size.
    pub phase: Option<u64>,
    // `adr_deployment_created`: the rule; `site_db_updated`: the updates new to the database.
    pub rule: Option<String>,
    pub new: Option<u64>,
    pub targeted: Option<u64>,
    // The framing lines (trace_start, run_end).
    pub format: Option<u64>,
    pub version: Option<String>,
    pub scenario: Option<String>,
    pub seed: Option<u64>,
    pub clients: Option<u64>,
    pub end: Option<u64>,
    pub events: Option<u64>,
    pub lines: Option<u64>,
    pub start: Option<String>,
    pub time_zone: Option<String>,
    pub groups: Option<Vec<TraceGroup>>,
}

/// A client group as `trace_start` lists it.
#[derive(Clone, Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct TraceGroup {
    pub name: String,
    pub first: u64,
    pub count: u64,
    pub time_zone: Option<String>,
}

/// Tells a present `null` from an absent key: `Some(None)` for `null`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl Line {
    /// The SUP name, or empty.
    pub fn sup(&self) -> &str {
        self.sup.as_deref().unwrap_or("")
    }

    /// The client id, or `u64::MAX` for lines about no client.
    pub fn client(&self) -> u64 {
        self.client.unwrap_or(u64::MAX)
    }

    /// The `--trace-clients` range of a `trace_start` line, if the trace is filtered.
    pub fn filter(&self) -> Option<[u64; 2]> {
        self.trace_clients.flatten()
    }

    /// The reason, or empty.
    pub fn reason(&self) -> &str {
        self.reason.as_deref().unwrap_or("")
    }

    /// The deployment id, or empty.
    pub fn deployment(&self) -> &str {
        self.deployment.as_deref().unwrap_or("")
    }

    /// The update id, or empty.
    pub fn update(&self) -> &str {
        self.update.as_deref().unwrap_or("")
    }

    /// The site code, or empty.
    pub fn site(&self) -> &str {
        self.site.as_deref().unwrap_or("")
    }
}

/// Why a trace could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// Reading failed.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The trace has more lines than checking may hold in memory.
    #[error(
        "{file}: more than {lines} events; checking them would need more than {memory} of \
         memory; verify the trace of fewer clients (`cmsim run --trace-clients A..B`) or raise \
         the limit with --max-memory"
    )]
    TooLarge {
        /// The file.
        file: String,
        /// The most lines read.
        lines: usize,
        /// The memory limit, for people.
        memory: String,
    },
    /// A line is not a trace event.
    #[error("{file}:{line}: not a trace event: {message}")]
    Malformed {
        /// The file.
        file: String,
        /// Line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The latest time a trace may name, in ms (2⁵³, some 285,000 years): beyond it a number is
/// no time of a run, and the checks' time arithmetic could overflow.
pub const MAX_TIME: u64 = 1 << 53;

/// The longest trace line read (16 MiB): far above any line cmsim writes (a download's list
/// of at most 32 deployment ids, a trace header), and bounded.
const MAX_LINE: u64 = 16 << 20;

/// A JSON error within one line: its column, not serde's "line 1".
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) => format!("{message} at column {}", e.column()),
        None => text,
    }
}

/// Bytes a read line holds while the trace is checked: the record and its strings.
pub fn bytes_per_line() -> u64 {
    size_of::<Line>() as u64 + 128
}

/// Reads every line of a trace, refusing a trace whose lines would take more than
/// `max_memory` bytes to hold (a million clients' trace is tens of millions of lines).
pub fn read(file: &str, mut input: impl BufRead, max_memory: u64) -> Result<Vec<Line>, TraceError> {
    let max_lines = usize::try_from(max_memory / bytes_per_line()).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    let mut bytes = Vec::new();
    for i in 0.. {
        // A line is read up to one byte past the longest a trace writes: input without line
        // ends (`/dev/zero`) is refused instead of filling memory.
        bytes.clear();
        let n = (&mut input)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(|source| TraceError::Io {
                file: file.into(),
                source,
            })?;
        if n == 0 {
            break;
        }
        let malformed = |message: String| TraceError::Malformed {
            file: file.into(),
            line: i + 1,
            message,
        };
        if n as u64 > MAX_LINE {
            return Err(malformed(format!("a line longer than {MAX_LINE} bytes")));
        }
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            malformed(format!(
                "not UTF-8 text at column {} (byte {} of the line)",
                String::from_utf8_lossy(&bytes[..e.valid_up_to()])
                    .chars()
                    .count()
                    + 1,
                e.valid_up_to() + 1
            ))
        })?;
        if text.trim().is_empty() {
            continue;
        }
        let mut line: Line = serde_json::from_str(text).map_err(|e| malformed(json_error(&e)))?;
        line.line = i + 1;
        let times = [line.t, line.at.unwrap_or(0), line.deadline.unwrap_or(0)];
        let spans = [line.deadline_in.unwrap_or(0), line.end.unwrap_or(0)];
        if times.iter().chain(&spans).any(|&x| x > MAX_TIME) {
            return Err(TraceError::Malformed {
                file: file.into(),
                line: i + 1,
                message: format!("a time beyond {MAX_TIME} ms"),
            });
        }
        if out.len() == max_lines {
            return Err(TraceError::TooLarge {
                file: file.into(),
                lines: max_lines,
                memory: crate::estimate::size(max_memory),
            });
        }
        out.push(line);
    }
    Ok(out)
}
