//! The growth check CI runs (`.ci/run`; issue 13): the enterprise scenario (every feature on,
//! 14 days; `examples/enterprise.rs`) at 10,000 and 50,000 clients, each in a process of its
//! own writing its default `--out` outputs, with its events and peak memory per client held
//! to stated bounds. Not a timing: a model change that makes a client cost more events, or a
//! structure that grows with sites × updates × samples or with clients squared, fails it on
//! any machine, fast or slow. Peak memory is the child process's own (its maximum resident
//! set from `wait4`), not an estimate.
//!
//! ```text
//! cargo run --release --example growth
//! ```

use std::process::{Command, ExitCode};

#[allow(dead_code)]
#[path = "enterprise.rs"]
mod enterprise;

/// Sizes checked, in clients.
const SIZES: [u64; 2] = [10_000, 50_000];

/// Events per client, at most (measured 111.8 at 10,000 and 109.8 at 50,000).
const EVENTS_PER_CLIENT: f64 = 125.0;

/// Peak memory, at most `BASE_MB` plus `KB_PER_CLIENT` per client (measured 114 MB at 10,000
/// and 187 MB at 50,000 clients, against bounds of 154 and 252): the fixed part is the
/// hierarchy (2,776 servers), the series and the outputs, which must not grow with clients.
const BASE_MB: f64 = 130.0;
const KB_PER_CLIENT: f64 = 2.5;

/// Each size in a child of its own, then the bounds; `--one N` is the child.
fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if let (Some(flag), Some(n)) = (args.next(), args.next())
        && flag == "--one"
    {
        return one(n.parse().expect("a client count"));
    }
    let mut failed = false;
    println!("clients   events  per client  peak MB  bound MB");
    for clients in SIZES {
        let Some((events, peak_kb)) = child(clients) else {
            return ExitCode::FAILURE;
        };
        let per_client = events as f64 / clients as f64;
        let peak_mb = peak_kb as f64 / 1024.0;
        let bound_mb = BASE_MB + KB_PER_CLIENT * clients as f64 / 1024.0;
        println!("{clients:>7}  {events:>7}  {per_client:>10.1}  {peak_mb:>7.0}  {bound_mb:>8.0}");
        if per_client > EVENTS_PER_CLIENT {
            eprintln!(
                "{clients} clients: {per_client:.1} events per client, over {EVENTS_PER_CLIENT}"
            );
            failed = true;
        }
        if peak_mb > bound_mb {
            eprintln!("{clients} clients: peak {peak_mb:.0} MB, over {bound_mb:.0} MB");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs this program for one size in a child process; its events and peak resident KB.
fn child(clients: u64) -> Option<(u64, u64)> {
    let exe = std::env::current_exe().ok()?;
    let child = Command::new(exe)
        .args(["--one", &clients.to_string()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let pid = child.id() as libc::pid_t;
    let output = {
        use std::io::Read;
        let mut text = String::new();
        child.stdout?.read_to_string(&mut text).ok()?;
        text
    };
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: `pid` is our child, not yet waited for; status and usage are ours to fill.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        eprintln!("the {clients}-client run failed");
        return None;
    }
    // Linux reports ru_maxrss in kilobytes.
    Some((output.trim().parse().ok()?, usage.ru_maxrss as u64))
}

/// The child: one run with its outputs; prints its events.
fn one(clients: u64) -> ExitCode {
    let text = enterprise::scenario(clients);
    let world = match cmsim::load_str("enterprise.ron", &text) {
        Ok(l) => l.world,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let out = std::env::temp_dir().join(format!("cmsim-growth-{}", std::process::id()));
    let opts = cmsim::RunOptions {
        quiet: true,
        out: Some(out.clone()),
        ..cmsim::RunOptions::default()
    };
    let result = cmsim::run(&world, &opts);
    let _ = std::fs::remove_dir_all(&out);
    match result {
        Ok(summary) => {
            println!("{}", summary.events);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
