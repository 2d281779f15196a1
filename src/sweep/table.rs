//! A sweep's table, written and read with the `csv` crate (fields with commas or quotes are
//! quoted; rows with a different number of fields are refused). Its first line describes it,
//!
//! ```text
//! # cmsim sweep: shard 1/3, points 6, parameters 2, sweep 9c3e7d2a41b0f5e8
//! ```
//!
//! (no `shard` part for a whole sweep), so `merge` can tell shards of different sweeps apart
//! and knows which shards and points make the whole. Then a header (`point`, the swept
//! parameters, the figures) and one row per point.

use super::grid::{Point, Shard};
use crate::report::figures::Figure;

/// The largest magnitude a figure may have. Figures are hours (at most a three-year run),
/// counts and loads; a bigger number is not one a sweep wrote, and would make a chart's axis
/// meaningless.
pub const MAX_FIGURE: f64 = 1e15;

const PREFIX: &str = "# cmsim sweep: ";

/// What a table's first line says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    /// The shard this table holds; `None` for a whole sweep.
    pub shard: Option<Shard>,
    /// Points in the whole grid.
    pub points: usize,
    /// Swept parameters (the columns after `point`).
    pub params: usize,
    /// Fingerprint of the scenario file, seeds and program version.
    pub sweep: u64,
}

impl Meta {
    /// The first line, without its newline.
    pub fn line(&self) -> String {
        let shard = self.shard.map_or(String::new(), |s| format!("shard {s}, "));
        format!(
            "{PREFIX}{shard}points {}, parameters {}, sweep {:016x}",
            self.points, self.params, self.sweep
        )
    }

    /// Reads a first line written by [`Meta::line`].
    pub fn parse(line: &str) -> Option<Meta> {
        let mut parts = line
            .trim_end_matches('\r')
            .strip_prefix(PREFIX)?
            .split(", ");
        let mut next = parts.next()?;
        let shard = match next.strip_prefix("shard ") {
            Some(s) => {
                next = parts.next()?;
                Some(Shard::parse(s).ok()?)
            }
            None => None,
        };
        let number = |part: Option<&str>, key: &str| part?.strip_prefix(key)?.parse().ok();
        let points = number(Some(next), "points ")?;
        let params = number(parts.next(), "parameters ")?;
        let hex = parts.next()?.strip_prefix("sweep ")?;
        let sweep = u64::from_str_radix(hex, 16)
            .ok()
            .filter(|_| hex.len() == 16)?;
        if parts.next().is_some() {
            return None;
        }
        Some(Meta {
            shard,
            points,
            params,
            sweep,
        })
    }

    /// The shard this table holds, a whole sweep being shard 0/1.
    pub fn part(&self) -> Shard {
        self.shard.unwrap_or(Shard::WHOLE)
    }

    /// "shard 1/3 of sweep …" or "the whole sweep …", for messages.
    pub fn describe(&self) -> String {
        let what = self.shard.map_or("the whole sweep".to_string(), |s| {
            format!("shard {s} of sweep")
        });
        format!(
            "{what} {:016x} ({} points, {} parameters)",
            self.sweep, self.points, self.params
        )
    }
}

/// The first line `merge` expects, for messages.
pub(super) const EXPECTED: &str = "`# cmsim sweep: shard I/N, points P, parameters K, sweep \
     FINGERPRINT` as written by `cmsim sweep --shard` (tables written before it, or edited, \
     cannot be merged: run the shard again)";

/// Writes a table: the first line, then the header with the first row, then rows.
pub(super) struct Writer {
    csv: csv::Writer<Vec<u8>>,
    params: Vec<String>,
    figures: Option<Vec<String>>,
}

impl Writer {
    /// A table described by `meta` with the swept parameters `params`.
    pub(super) fn new(meta: &Meta, params: Vec<String>) -> Writer {
        let first = format!("{}\n", meta.line()).into_bytes();
        Writer {
            csv: csv::WriterBuilder::new().from_writer(first),
            params,
            figures: None,
        }
    }

    /// One point's row; the first one also writes the header. Refuses figures the table
    /// cannot hold honestly (not a number, other names than the first row's).
    pub(super) fn row(&mut self, point: &Point, figures: &[Figure]) -> Result<(), String> {
        let names: Vec<String> = figures.iter().map(Figure::label).collect();
        match &self.figures {
            None => {
                let header = std::iter::once("point".to_string())
                    .chain(self.params.iter().cloned())
                    .chain(names.iter().cloned());
                self.csv.write_record(header).map_err(|e| e.to_string())?;
                self.figures = Some(names);
            }
            Some(first) if *first != names => {
                return Err(format!(
                    "point {}: its figures differ from the first point's",
                    point.index
                ));
            }
            Some(_) => {}
        }
        let mut record = vec![point.index.to_string()];
        record.extend(point.values.iter().cloned());
        for f in figures {
            record.push(match f.value {
                None => "never".to_string(),
                Some(v) if v.is_finite() && v.abs() <= MAX_FIGURE => format!("{v:.4}"),
                Some(v) => {
                    return Err(format!(
                        "point {}: figure `{}` is {v}, which a table cannot hold",
                        point.index, f.name
                    ));
                }
            });
        }
        self.csv.write_record(&record).map_err(|e| e.to_string())
    }

    /// Writes `record` as it is (merge copies checked rows).
    pub(super) fn raw(&mut self, record: &csv::StringRecord) -> Result<(), String> {
        self.csv.write_record(record).map_err(|e| e.to_string())
    }

    /// The table's text.
    pub(super) fn finish(self) -> Result<String, String> {
        let bytes = self.csv.into_inner().map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| e.to_string())
    }
}

/// A table read back and checked on its own: its first line, header and rows.
#[derive(Debug)]
pub struct Table {
    /// What its first line says.
    pub meta: Meta,
    /// `point`, the parameters, the figures.
    pub header: csv::StringRecord,
    /// Each row with its line in the file and its point number (checked < `meta.points`).
    pub rows: Vec<(u64, usize, csv::StringRecord)>,
}

/// Problems shown per file before the rest are counted.
const SHOWN: usize = 5;

/// Reads and checks the table `bytes` of file `name`: the first line, a header of `point`,
/// the parameters and at least one figure, rows as long as the header, point numbers within
/// the grid, figures finite numbers (at most [`MAX_FIGURE`]) or `never`. Every problem
/// names `name:line`.
pub fn read(name: &str, bytes: &[u8]) -> Result<Table, Vec<String>> {
    if bytes.is_empty() {
        return Err(vec![format!("{name}: empty; expected {EXPECTED}")]);
    }
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let meta = std::str::from_utf8(first)
        .ok()
        .and_then(Meta::parse)
        .ok_or_else(|| vec![format!("{name}:1: expected the first line {EXPECTED}")])?;
    if meta.points == 0 || meta.points > super::MAX_POINTS {
        return Err(vec![format!(
            "{name}:1: a sweep of {} points; `cmsim sweep` writes 1 to {} points",
            meta.points,
            super::MAX_POINTS
        )]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| vec![csv_problem(name, &e)])?
        .clone();
    let mut problems = Vec::new();
    let wide = 1 + meta.params;
    if header.get(0) != Some("point") || header.len() <= wide {
        problems.push(format!(
            "{name}:2: expected a header `point`, {} parameter(s) and the figures; found {} \
             column(s)",
            meta.params,
            header.len()
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(name, &e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let point = record.get(0).and_then(|p| p.parse::<usize>().ok());
        match point {
            Some(p) if p < meta.points => rows.push((line, p, record.clone())),
            _ => problems.push(format!(
                "{name}:{line}: expected a point number below {} first, found `{}`",
                meta.points,
                record.get(0).unwrap_or_default()
            )),
        }
        for (col, field) in record.iter().enumerate().skip(wide) {
            if let Err(e) = figure(field) {
                let column = header.get(col).unwrap_or_default();
                problems.push(format!("{name}:{line}: column `{column}`: {e}"));
            }
        }
    }
    if problems.is_empty() {
        return Ok(Table { meta, header, rows });
    }
    if problems.len() > SHOWN {
        let more = problems.len() - SHOWN;
        problems.truncate(SHOWN);
        problems.push(format!("{name}: … and {more} more problems"));
    }
    Err(problems)
}

impl Table {
    /// The columns' keys: `point` and the parameters' paths as they are, the figures' in
    /// snake_case with their unit, unique.
    fn keys(&self) -> Vec<String> {
        let params = self.meta.params;
        let mut keys: Vec<String> = self
            .header
            .iter()
            .enumerate()
            .map(|(i, h)| match i <= params {
                true => h.to_string(),
                false => crate::report::figures::key(h),
            })
            .collect();
        crate::report::figures::make_unique(&mut keys);
        keys
    }

    /// The table as JSON, for `--format json`: the first line's `sweep`, its `points`, the
    /// `columns` as the header names them, `keys` the same in snake_case with their unit
    /// ([`Table::keys`]), and `rows` as arrays in column order (the point as an integer,
    /// parameter values as text, figures as numbers, `never` as null).
    pub fn to_json(&self) -> serde_json::Value {
        let params = self.meta.params;
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|(_, point, record)| {
                let cells = record.iter().enumerate().map(|(i, field)| match i {
                    0 => serde_json::json!(point),
                    i if i <= params => serde_json::json!(field),
                    _ => serde_json::json!(figure(field).ok().flatten()),
                });
                serde_json::Value::Array(cells.collect())
            })
            .collect();
        serde_json::json!({
            "sweep": self.meta.line(),
            "points": self.meta.points,
            "columns": self.header.iter().collect::<Vec<_>>(),
            "keys": self.keys(),
            "rows": rows,
        })
    }
}

/// A figure's field: `never` or a finite number of magnitude at most [`MAX_FIGURE`].
pub fn figure(field: &str) -> Result<Option<f64>, String> {
    if field == "never" {
        return Ok(None);
    }
    match field.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= MAX_FIGURE => Ok(Some(v)),
        Ok(_) => Err(format!(
            "`{field}` is not a figure a sweep writes (a finite number of magnitude at most \
             {MAX_FIGURE:e}, or `never`)"
        )),
        Err(_) => Err(format!("`{field}`: expected a number or `never`")),
    }
}

fn csv_problem(name: &str, e: &csv::Error) -> String {
    let line = |pos: &Option<csv::Position>| pos.as_ref().map_or(0, |p| p.line());
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "{name}:{}: {len} fields where the header has {expected_len} (a ragged row)",
            line(pos)
        ),
        csv::ErrorKind::Utf8 { pos, .. } => {
            format!(
                "{name}:{}: not UTF-8 text; expected a sweep table",
                line(pos)
            )
        }
        _ => format!("{name}: {e}"),
    }
}
