//! Observers fed by the run loop: the event trace, the metrics behind the summary, progress.

pub mod backlog;
pub mod compliance;
pub mod deployment;
pub mod machines;
pub mod metrics;
pub mod minutes;
pub mod policy_load;
pub mod progress;
pub mod relay;
pub mod scan_load;
pub mod trace;
pub mod wan;

pub use metrics::{Metrics, bytes_per_group_update, bytes_per_sample_row, bytes_per_site_update};
pub use progress::Progress;
pub use trace::TraceWriter;
