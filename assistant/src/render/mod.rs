//! Human-readable rendering of reports and proposals.

pub mod proposal;
pub mod report;
