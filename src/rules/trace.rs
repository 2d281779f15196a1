//! Reading a trace back: each line's common fields, typed loosely so that a trace with
//! added kinds or fields still reads. The rule checker depends on this and on the public
//! format only, never on the model.

use serde::Deserialize;
use std::io::BufRead;

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
    pub group: Option<String>,
    pub update: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub trace_clients: Option<[u64; 2]>,
    pub deployment: Option<String>,
    pub deployments: Option<Vec<String>>,
    pub dp: Option<String>,
    pub manual: Option<bool>,
    pub deadline: Option<u64>,
    pub deadline_in: Option<u64>,
    pub mandatory: Option<bool>,
    pub dialog: Option<String>,
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

/// Reads every line of a trace.
pub fn read(file: &str, input: impl BufRead) -> Result<Vec<Line>, TraceError> {
    let mut out = Vec::new();
    for (i, text) in input.lines().enumerate() {
        let text = text.map_err(|source| TraceError::Io {
            file: file.into(),
            source,
        })?;
        if text.trim().is_empty() {
            continue;
        }
        let mut line: Line = serde_json::from_str(&text).map_err(|e| TraceError::Malformed {
            file: file.into(),
            line: i + 1,
            message: e.to_string(),
        })?;
        line.line = i + 1;
        out.push(line);
    }
    Ok(out)
}
