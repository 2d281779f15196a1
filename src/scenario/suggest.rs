//! "Did you mean …?": the closest of the names a field accepts to what the file wrote, so a
//! typo (`LBA` for `LAB`, `sizee` for `size`) is answered with its fix.

/// ` (did you mean `X`?)` when one of `candidates` is close to `found`, else nothing.
/// Case is ignored; close means at most one edit per three characters (a swap of two
/// neighbours is one edit: `LBA` → `LAB`) or a Jaro–Winkler similarity of at least 0.85
/// (shared prefixes: `distribution_point` → `distribution_points`). The fewest edits win,
/// then the first written.
///
/// Bounded, because a file may hold 500,000 names of 20,000 characters: names longer than
/// [`MAX_COMPARED`] characters are neither suggested nor given suggestions, candidates whose
/// length rules out closeness are skipped without comparing, and one call compares at most
/// [`MAX_CELLS`] character pairs (the candidates after that are not looked at).
pub fn did_you_mean<'a>(written: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let found = written.to_lowercase();
    let a = found.chars().count();
    if a > MAX_COMPARED {
        return String::new();
    }
    let mut cells = 0usize;
    let best = candidates
        .into_iter()
        .filter(|c| could_be_close(a, c.chars().count()))
        .take_while(|c| {
            // A fixed cost per candidate too: each comparison allocates.
            cells += a.max(1) * c.len().max(1) + 64;
            cells <= MAX_CELLS
        })
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let edits = strsim::osa_distance(&found, &lower);
            let close = edits <= (a / 3).max(1) || strsim::jaro_winkler(&found, &lower) >= 0.85;
            (close && edits > 0 || lower == found && c != written).then_some((edits, c))
        })
        .fold(None, |best: Option<(usize, &str)>, (edits, c)| match best {
            Some((b, _)) if b <= edits => best,
            _ => Some((edits, c)),
        });
    best.map_or(String::new(), |(_, c)| format!(" (did you mean `{c}`?)"))
}

/// [`did_you_mean`], unless `problems` already holds [`HINTED`] problems: then nothing.
/// Only the first problems are shown, and a suggestion compares the name with every
/// candidate, so 40,000 misspelt names among 40,000 groups would otherwise take minutes
/// (1.6 billion comparisons) to check.
pub fn hint<'a>(
    problems: &[crate::scenario::Problem],
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    if problems.len() >= HINTED {
        return String::new();
    }
    did_you_mean(written, candidates)
}

/// Problems found before suggestions stop being looked for: four times the problems shown.
pub const HINTED: usize = 100;

/// The longest name, in characters, that is compared for a suggestion: past it a name is
/// not a typo of a short one, and comparing two costs the product of their lengths.
pub const MAX_COMPARED: usize = 200;

/// The character pairs one suggestion may compare: a few milliseconds' work.
pub const MAX_CELLS: usize = 2_000_000;

/// Whether names of `a` and `b` characters (`a` the one written) can be close at all: a
/// length difference of more than a third is more than a third of edits, and a Jaro–Winkler
/// similarity of 0.85 needs the shorter at least a quarter of the longer (the similarity is
/// at most (2 + shorter/longer)/3 before the prefix bonus, which closes at most 40 % of the
/// gap to 1).
fn could_be_close(a: usize, b: usize) -> bool {
    b <= MAX_COMPARED && b.min(a) * 4 >= b.max(a)
}

/// A type of the scenario file as its reader knows it: `UpdateSpec` is "a catalog entry".
pub fn in_words(type_name: &str) -> &str {
    match type_name {
        "Scenario" => "the scenario",
        "SiteSpec" => "a site",
        "ClientGroupSpec" => "a client group",
        "Applicability" => "a group's update",
        "UpdateSpec" => "a catalog entry",
        "DeploymentSpec" => "a deployment",
        "TargetSpec" => "a deployment target",
        "SweepAxis" => "a sweep axis",
        "SiteKind" => "site kinds",
        "Classification" => "classifications",
        "Action" => "actions",
        "Fault" => "faults",
        "Settings" => "the settings",
        "Profile" => "profiles",
        "AdrSpec" => "an automatic deployment rule",
        "AdrSchedule" => "rule schedules",
        "AppliesTo" => "what a window applies to",
        "Availability" => "availability models",
        "Away" => "a group's days away",
        "BoundaryGroupSpec" => "a boundary group",
        "LinkHours" => "a period of a link's schedule",
        "LinkSpec" => "a site's link",
        "MaintenanceWindow" => "a maintenance window",
        "NeighborSpec" => "a boundary group's neighbour",
        "PhaseSpec" => "a phase",
        "PhaseStart" => "the ways a phase begins",
        "PullDpSpec" => "a pull distribution point",
        "PulseSpec" => "pulse mode",
        "Recurrence" => "recurrences",
        "TimeBase" => "time bases",
        "WeekOfMonth" => "weeks of the month",
        "Weekday" => "days of the week",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_of_the_scenario_file_has_words() {
        // Each type a scenario deserializes, found in the sources: a message about a field
        // of it must name it as a reader would, never by its Rust name.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scenario");
        let mut named = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut derives = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") {
                    derives = line.contains("Deserialize");
                }
                let rest = line
                    .strip_prefix("pub struct ")
                    .or(line.strip_prefix("pub enum "));
                if let (true, Some(rest)) = (derives, rest) {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
                    derives = false;
                    if name == "Overrides" {
                        continue; // serde calls it `Settings`
                    }
                    assert_ne!(in_words(&name), name, "{}: {name}", path.display());
                    named += 1;
                }
            }
        }
        assert!(named > 25, "{named}");
    }

    #[test]
    fn suggests_the_closest_name_only_when_it_is_close() {
        assert_eq!(
            did_you_mean("LBA", ["LAB", "CAS"]),
            " (did you mean `LAB`?)"
        );
        assert_eq!(
            did_you_mean("sizee", ["id", "size", "title"]),
            " (did you mean `size`?)"
        );
        assert_eq!(
            did_you_mean("p01", ["P01", "P02"]),
            " (did you mean `P01`?)"
        );
        assert_eq!(did_you_mean("zz", ["desktops", "servers"]), "");
        assert_eq!(
            did_you_mean("distribution_point", ["sup", "distribution_points"]),
            " (did you mean `distribution_points`?)"
        );
        assert_eq!(
            did_you_mean("LAB", ["LAB"]),
            "",
            "an exact match needs no suggestion"
        );
        assert_eq!(did_you_mean("Size", ["size"]), " (did you mean `size`?)");
        assert_eq!(did_you_mean("x", []), "");
    }

    #[test]
    fn suggestions_are_bounded_work() {
        // Names too long to compare, and lengths that cannot be close, give nothing.
        let long = "a".repeat(MAX_COMPARED + 1);
        assert_eq!(did_you_mean(&long, [long.as_str()]), "");
        assert_eq!(did_you_mean("ab", ["abcdefghij"]), "");
        // Past the budget of one call, later candidates are not looked at.
        let many: Vec<String> = (0..100_000).map(|i| format!("g{i:05}")).collect();
        let hit = did_you_mean("h99999", many.iter().map(String::as_str));
        assert!(!hit.contains("g99999"), "g99999 is past the budget: {hit}");
        assert_eq!(
            did_you_mean("h00001", many.iter().map(String::as_str)),
            " (did you mean `g00001`?)"
        );
        // After HINTED problems, no suggestion is looked for.
        let p = vec![crate::scenario::Problem::new("x", "y"); HINTED];
        assert_eq!(hint(&p, "LBA", ["LAB"]), "");
        assert_eq!(hint(&p[1..], "LBA", ["LAB"]), " (did you mean `LAB`?)");
    }
}
