//! The view asked for with `--view SITE`, at the top of the terminal report: whose database
//! the compliance curve (and chart) are drawn from, and that curve's milestones, so a report
//! read on its own says what it shows. Without `--view` nothing is printed: the figures are
//! the view from the top, as they always were.

use super::at;
use crate::report::doc::Doc;
use crate::report::summary::Summary;

/// The lines naming the view and its curve, or nothing without `--view`.
pub(super) fn section(s: &Summary) -> Doc {
    let mut out = Doc::new();
    let Some(v) = &s.view else {
        return out;
    };
    out.heading(format!("View: {}, {} clients", v.seen(), v.clients));
    if let Some(stand_in) = v.stand_in() {
        out.text(format!("  {stand_in}\n"));
    }
    let what = if s.deployment.deployments.is_empty() {
        "all updates"
    } else {
        "deployed updates"
    };
    let reached = |p: f64| s.curve.iter().find(|c| c.db >= p).map(|c| c.t_ms);
    let marks: Vec<String> = [50.0, 90.0, 95.0, 99.0]
        .iter()
        .map(|&p| format!("{p}% {}", at(s, reached(p))))
        .collect();
    let end = s.curve.last().map_or((0.0, 0.0), |c| (c.db, c.truth));
    out.text(format!(
        "  Installed in that database ({what}): {}; at the end {:.1}% (on its clients {:.1}%)\n",
        marks.join(", "),
        end.0,
        end.1,
    ));
    if !s.deployment.deployments.is_empty() {
        out.text(
            "  The headline and the deployments' database figures below stay the view from the top.\n",
        );
    }
    out
}
