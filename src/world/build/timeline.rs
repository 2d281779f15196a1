//! Outages: the fault windows of Microsoft Update, a WSUS or a DP.

use super::*;

pub(super) fn outages(
    s: &Scenario,
    sups: &[Sup],
    dps: &[Server],
    named: &Named,
    cal: Option<&Calendar>,
    p: &mut Vec<Problem>,
) -> Vec<Outage> {
    let wsus = ByName::folded(sups.iter().map(|x| x.name.as_str()));
    let mut out = Vec::new();
    for (i, f) in s.faults.iter().enumerate() {
        let (target, from, to) = match f {
            Fault::UpstreamUnavailable { from, to } => (OutageTarget::Upstream, from, to),
            Fault::DpUnavailable { server, from, to } => match named.dps.get(server) {
                Some(k) => (OutageTarget::Dp(ServerId(k as u32)), from, to),
                None => {
                    p.push(Problem::new(
                        format!("faults[{i}].server"),
                        format!(
                            "no distribution point is called `{server}`{}",
                            hint(p, server, dps.iter().map(|x| x.name.as_str()))
                        ),
                    ));
                    continue;
                }
            },
            Fault::WsusUnavailable { server, from, to } => match wsus.get(server) {
                Some(k) => (OutageTarget::Wsus(SupId(k as u16)), from, to),
                None => {
                    p.push(Problem::new(
                        format!("faults[{i}].server"),
                        format!("no software update point is called `{server}`"),
                    ));
                    continue;
                }
            },
        };
        out.push(Outage {
            target,
            from: at_time(cal, from),
            to: at_time(cal, to),
        });
    }
    out
}
