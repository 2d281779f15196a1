//! What a finished run tells people: the summary (terminal and `summary.json`).

pub mod charts;
pub mod csv;
pub mod describe;
pub mod doc;
pub mod figures;
mod headline;
pub mod html;
pub mod inventory;
mod policy;
pub mod summary;
pub mod table;
pub mod text;
pub mod variation;

pub use describe::describe;
pub use summary::Summary;
