//! `cmsim merge`: joins shard tables into the whole sweep's table, after checking every
//! shard — the same sweep, the same columns, the whole set of shards and of points, each
//! point once — so that nothing is written unless the result is the table an unsharded
//! `cmsim sweep` would have written, byte for byte.

use super::grid::Shard;
use super::table::{Meta, Table, Writer, read};

/// Problems shown before the rest are counted.
const SHOWN: usize = 20;

/// The most bytes `merge` reads over all its tables: a whole table of [`super::MAX_POINTS`]
/// rows of a few dozen figures is a few tens of MiB, so more is not a sweep's output (or is
/// `/dev/zero`), and is refused before it fills memory.
pub const MAX_TABLE_BYTES: u64 = 128 << 20;

/// Reads the files at `paths`, at most [`MAX_TABLE_BYTES`] in all.
pub fn read_files(paths: &[std::path::PathBuf]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut left = MAX_TABLE_BYTES;
    let mut out = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let bytes = crate::load::read_capped(path, left)
            .map_err(|e| format!("{name}: cannot read: {e}"))?;
        left = left.checked_sub(bytes.len() as u64).ok_or_else(|| {
            format!(
                "{name}: the tables hold more than {MAX_TABLE_BYTES} bytes; a sweep's are smaller"
            )
        })?;
        out.push((name, bytes));
    }
    Ok(out)
}

/// The whole table from shard tables given as (file name, contents), or every problem found.
pub fn merge(tables: &[(String, Vec<u8>)]) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let mut read_ok: Vec<(&str, Table)> = Vec::new();
    for (name, bytes) in tables {
        match read(name, bytes) {
            Ok(t) => read_ok.push((name, t)),
            Err(p) => problems.extend(p),
        }
    }
    if tables.is_empty() {
        problems.push("no tables to merge".into());
    }
    if problems.is_empty() {
        check(&read_ok, &mut problems);
    }
    if problems.is_empty() {
        return write(&read_ok).map_err(|e| vec![e]);
    }
    if problems.len() > SHOWN {
        let more = problems.len() - SHOWN;
        problems.truncate(SHOWN);
        problems.push(format!("… and {more} more problems"));
    }
    problems.push("nothing was written".into());
    Err(problems)
}

/// Checks the tables against each other: one sweep, one header, every shard once, every
/// point of each shard once and nothing else.
fn check(tables: &[(&str, Table)], problems: &mut Vec<String>) {
    let Some((first_name, first)) = tables.first() else {
        return;
    };
    let same_sweep = |m: &Meta| {
        m.sweep == first.meta.sweep
            && m.points == first.meta.points
            && m.params == first.meta.params
            && m.part().count == first.meta.part().count
    };
    for (name, t) in &tables[1..] {
        if !same_sweep(&t.meta) {
            problems.push(format!(
                "{name} is {}, but {first_name} is {}: only the shards of one sweep, split \
                 with one --shard I/N count, can be merged",
                t.meta.describe(),
                first.meta.describe()
            ));
        } else if t.header != first.header {
            let col = (0..t.header.len().max(first.header.len()))
                .find(|&c| t.header.get(c) != first.header.get(c))
                .unwrap_or(0);
            problems.push(format!(
                "{name}: its columns differ from {first_name}'s (column {}: `{}` against `{}`)",
                col + 1,
                t.header.get(col).unwrap_or("(none)"),
                first.header.get(col).unwrap_or("(none)")
            ));
        }
    }
    if !problems.is_empty() {
        return;
    }
    let count = first.meta.part().count;
    if count > first.meta.points {
        problems.push(format!(
            "{first_name}: {count} shards for {} points; `cmsim sweep` splits into at most \
             one shard per point",
            first.meta.points
        ));
        return;
    }
    let mut shards: Vec<Option<&str>> = vec![None; count];
    let mut twice = false;
    for (name, t) in tables {
        let s = t.meta.part();
        match shards[s.index] {
            Some(other) => {
                problems.push(format!("shard {s} given twice: {other} and {name}"));
                twice = true;
            }
            None => shards[s.index] = Some(name),
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|&i| shards[i].is_none())
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        let s = if missing.len() == 1 { "" } else { "s" };
        problems.push(format!("missing shard{s} {}", list(&missing)));
    }
    // A shard given twice would also list each of its points twice: say it once.
    if !twice {
        check_points(tables, first.meta.points, problems);
    }
}

/// Every point in the shard it belongs to, once; every point of each shard present.
fn check_points(tables: &[(&str, Table)], points: usize, problems: &mut Vec<String>) {
    let mut seen: Vec<Option<(&str, u64)>> = vec![None; points];
    for (name, t) in tables {
        let shard = t.meta.part();
        for &(line, p, _) in &t.rows {
            if !shard.runs(p) {
                let owner = Shard {
                    index: p % shard.count,
                    count: shard.count,
                };
                problems.push(format!(
                    "{name}:{line}: point {p} belongs to shard {owner}, not to this table's \
                     {shard}"
                ));
            } else if let Some((other, at)) = seen[p] {
                problems.push(format!(
                    "{name}:{line}: point {p} again (first at {other}:{at})"
                ));
            } else {
                seen[p] = Some((name, line));
            }
        }
        let lacking: Vec<String> = shard
            .indexes(points)
            .filter(|&p| seen[p].is_none())
            .map(|p| p.to_string())
            .collect();
        if !lacking.is_empty() {
            let s = if lacking.len() == 1 { "" } else { "s" };
            problems.push(format!(
                "{name} (shard {shard}) lacks point{s} {}",
                list(&lacking)
            ));
        }
    }
}

/// "a", "a and b", "a, b and c", or the first ten and how many more.
fn list(items: &[String]) -> String {
    const FIRST: usize = 10;
    match items {
        [] => String::new(),
        [one] => one.clone(),
        _ if items.len() > FIRST => format!(
            "{}, … and {} more",
            items[..FIRST].join(", "),
            items.len() - FIRST
        ),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The whole table: the first line of an unsharded sweep, the header, rows in point order.
fn write(tables: &[(&str, Table)]) -> Result<String, String> {
    let first = &tables[0].1;
    let meta = Meta {
        shard: None,
        ..first.meta
    };
    let mut rows: Vec<(usize, &csv::StringRecord)> = tables
        .iter()
        .flat_map(|(_, t)| t.rows.iter().map(|(_, p, r)| (*p, r)))
        .collect();
    rows.sort_by_key(|&(p, _)| p);
    let mut out = Writer::new(&meta, Vec::new());
    out.raw(&first.header)?;
    for (_, r) in rows {
        out.raw(r)?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(i: usize, n: usize, rows: &str) -> (String, Vec<u8>) {
        let meta = Meta {
            shard: Some(Shard { index: i, count: n }),
            points: 3,
            params: 1,
            sweep: 0xabc,
        };
        let text = format!("{}\npoint,settings.x,\"a, b\"\n{rows}", meta.line());
        (format!("s{i}.csv"), text.into_bytes())
    }

    #[test]
    fn shards_merge_in_point_order_under_the_whole_sweeps_first_line() {
        let a = shard(0, 2, "0,1,0.5000\n2,3,never\n");
        let b = shard(1, 2, "1,\"2,5\",1.0000\n");
        let merged = merge(&[b, a]).unwrap();
        assert_eq!(
            merged,
            "# cmsim sweep: points 3, parameters 1, sweep 0000000000000abc\n\
             point,settings.x,\"a, b\"\n0,1,0.5000\n1,\"2,5\",1.0000\n2,3,never\n"
        );
    }

    #[test]
    fn lists_are_short() {
        let items: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        assert_eq!(list(&items[..2]), "0 and 1");
        assert_eq!(list(&items[..3]), "0, 1 and 2");
        assert_eq!(list(&items), "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … and 2 more");
    }

    #[test]
    fn missing_duplicate_and_misplaced_points_are_listed() {
        let a = shard(0, 2, "0,1,0.5\n0,1,0.5\n1,1,0.5\n");
        let e = merge(&[a]).unwrap_err().join("\n");
        assert!(
            e.contains("s0.csv:4: point 0 again (first at s0.csv:3)"),
            "{e}"
        );
        assert!(e.contains("point 1 belongs to shard 1/2"), "{e}");
        assert!(e.contains("lacks point 2"), "{e}");
        assert!(e.contains("missing shard 1/2"), "{e}");
        let b = shard(1, 2, "1,1,0.5\n");
        let e = merge(&[b.clone(), b]).unwrap_err().join("\n");
        assert!(
            e.contains("shard 1/2 given twice: s1.csv and s1.csv"),
            "{e}"
        );
        assert!(
            !e.contains("again"),
            "a shard given twice is said once: {e}"
        );
    }
}
