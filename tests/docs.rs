//! The documentation in `docs/` says what the code does: the generated pages equal what the
//! code generates now, the schema declares every field a real summary holds, every kind of
//! trace line is documented, and every link between the pages leads somewhere.

use serde_json::Value;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_rule_table_page_is_the_codes() {
    assert!(
        read("docs/rules.md") == cmsim::rules::markdown::markdown(),
        "docs/rules.md differs from the code: regenerate with \
         `cargo run --release -- rules --format markdown > docs/rules.md` and review the diff"
    );
}

#[test]
fn the_field_reference_is_the_codes() {
    assert!(
        read("docs/summary-fields.md") == cmsim::report::summary::schema::markdown(),
        "docs/summary-fields.md differs from the code: regenerate with \
         `cargo run --release -- schema --format markdown > docs/summary-fields.md`"
    );
}

/// The schema `s` after following a `$ref` into `defs`.
fn resolve<'a>(s: &'a Value, defs: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => &defs[r.rsplit('/').next().unwrap()],
        None => s,
    }
}

/// Every key of `v` is declared by schema `s`; returns the paths that are not.
fn undeclared(v: &Value, s: &Value, defs: &Value, path: &str, out: &mut Vec<String>) {
    let s = resolve(s, defs);
    if let Some(any) = s
        .get("anyOf")
        .or_else(|| s.get("oneOf"))
        .and_then(Value::as_array)
    {
        // The branch that fits: the non-null one for a value that is not null.
        if let Some(b) = any
            .iter()
            .map(|b| resolve(b, defs))
            .find(|b| v.is_null() == (b.get("type") == Some(&Value::from("null"))))
        {
            undeclared(v, b, defs, path, out);
        }
        return;
    }
    match v {
        Value::Object(map) => {
            let props = s.get("properties").and_then(Value::as_object);
            let extra = s.get("additionalProperties").filter(|x| x.is_object());
            for (k, x) in map {
                let here = format!("{path}.{k}");
                match (props.and_then(|p| p.get(k)), extra) {
                    (Some(ps), _) => undeclared(x, ps, defs, &here, out),
                    (None, Some(ps)) => undeclared(x, ps, defs, &here, out),
                    (None, None) => out.push(here),
                }
            }
        }
        Value::Array(items) => {
            if let Some(is) = s.get("items") {
                for (i, x) in items.iter().enumerate() {
                    undeclared(x, is, defs, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn the_schema_declares_every_field_of_the_gallerys_summaries() {
    use cmsim::report::summary::schema::{Document, json_schema};
    let schema = json_schema(Document::Summary);
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let mut checked = 0;
    for entry in std::fs::read_dir("results").unwrap() {
        let file = entry.unwrap().path().join("summary.json");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let summary: Value = serde_json::from_str(&text).unwrap();
        let mut out = Vec::new();
        undeclared(&summary, &schema, &defs, "", &mut out);
        assert!(
            out.is_empty(),
            "{}: not in the schema: {out:?}",
            file.display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} summaries");
    // The walk finds what is missing: a field the schema does not know is reported.
    let mut bogus: Value = serde_json::from_str(&read("results/lab/summary.json")).unwrap();
    bogus["sites"][0]["not_a_field"] = Value::from(1);
    let mut out = Vec::new();
    undeclared(&bogus, &schema, &defs, "", &mut out);
    assert_eq!(out, [".sites[0].not_a_field"]);
}

#[test]
fn every_kind_of_trace_line_is_documented() {
    let doc = read("docs/trace.md");
    let mut kinds = vec!["run_end".to_string()];
    for entry in std::fs::read_dir("src/observe/trace").unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // Lines start with `self.head(t, "kind")` (possibly over two lines).
        let flat: String = text.split_whitespace().collect();
        for part in flat.split(".head(").skip(1) {
            let call = part.split(')').next().unwrap();
            let kind = call.split('"').nth(1).unwrap_or("");
            let word = kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            if call.contains(",\"") && !kind.is_empty() && word {
                kinds.push(kind.to_string());
            }
        }
    }
    kinds.sort();
    kinds.dedup();
    assert!(kinds.len() > 40, "{kinds:?}");
    let missing: Vec<&String> = kinds
        .iter()
        .filter(|k| !doc.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/trace.md does not document {missing:?}"
    );
}

#[test]
fn links_between_the_pages_lead_somewhere() {
    let mut pages = vec!["README.md".to_string()];
    for entry in std::fs::read_dir("docs").unwrap() {
        pages.push(entry.unwrap().path().display().to_string());
    }
    for page in pages {
        let text = read(&page);
        let dir = Path::new(&page).parent().unwrap();
        for part in text.split("](").skip(1) {
            let target = part.split(')').next().unwrap().split('#').next().unwrap();
            if target.is_empty() || target.contains("://") {
                continue;
            }
            assert!(
                dir.join(target).exists(),
                "{page}: the link to {target} leads nowhere"
            );
        }
    }
}
