//! The scenario's fault windows (servers down, Microsoft Update unreachable) on the charts
//! over time.

use super::*;

/// The scenario's fault windows (servers down, Microsoft Update unreachable) in days on
/// the time axis, `[from, to)` cut to the run.
fn fault_spans(w: &World) -> Vec<(f64, f64)> {
    let end = w.end.ms();
    w.outages
        .iter()
        .filter(|o| o.from.ms() < end)
        .map(|o| (days(o.from.ms()), days(o.to.ms().min(end))))
        .collect()
}

/// Shades the scenario's fault windows across a time chart, under what it draws next, with
/// one legend entry for them all.
pub(super) fn mark_faults<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    w: &World,
) -> Result<(), String> {
    let spans = fault_spans(w);
    if spans.is_empty() {
        return Ok(());
    }
    let (bottom, top) = (chart.y_range().start, chart.y_range().end);
    let strip_low = top - (top - bottom) * 0.025;
    let (shade, strip) = (ALERT.mix(0.12).filled(), ALERT.mix(0.6).filled());
    // A light shade over the whole height, and a strip along the top, above the headroom
    // every chart leaves, that stacked areas drawn later cannot cover.
    chart
        .draw_series(
            spans
                .iter()
                .map(|&(a, b)| Rectangle::new([(a, bottom), (b, top)], shade)),
        )
        .map_err(err)?;
    chart
        .draw_series(
            spans
                .iter()
                .map(|&(a, b)| Rectangle::new([(a, strip_low), (b, top)], strip)),
        )
        .map_err(err)?
        .label("fault window (a server down)")
        .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 14, y + 4)], strip));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_windows_are_the_scenarios_outages_cut_to_the_run() {
        let l = crate::load_file("scenarios/dp-outage.ron".as_ref()).unwrap();
        let spans = fault_spans(&l.world);
        assert_eq!(spans.len(), l.world.outages.len());
        assert!(!spans.is_empty());
        for ((a, b), o) in spans.iter().zip(&l.world.outages) {
            assert_eq!(*a, days(o.from.ms()));
            assert_eq!(*b, days(o.to.ms().min(l.world.end.ms())));
            assert!(a < b && *b <= days(l.world.end.ms()));
        }
    }
}
