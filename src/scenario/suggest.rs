//! "Did you mean …?": the closest of the names a field accepts to what the file wrote, so a
//! typo (`LBA` for `LAB`, `sizee` for `size`) is answered with its fix.

/// ` (did you mean `X`?)` when one of `candidates` is close to `found`, else nothing.
/// Case is ignored; close means at most one edit per three characters (a swap of two
/// neighbours is one edit: `LBA` → `LAB`) or a Jaro–Winkler similarity of at least 0.85
/// (shared prefixes: `distribution_point` → `distribution_points`). The fewest edits win,
/// then the first written.
pub fn did_you_mean<'a>(written: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let found = written.to_lowercase();
    let best = candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let edits = strsim::osa_distance(&found, &lower);
            let close = edits <= (found.chars().count() / 3).max(1)
                || strsim::jaro_winkler(&found, &lower) >= 0.85;
            (close && edits > 0 || lower == found && c != written).then_some((edits, c))
        })
        .fold(None, |best: Option<(usize, &str)>, (edits, c)| match best {
            Some((b, _)) if b <= edits => best,
            _ => Some((edits, c)),
        });
    best.map_or(String::new(), |(_, c)| format!(" (did you mean `{c}`?)"))
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
}
