//! Human-readable rendering of reports and proposals.

pub mod apply;
pub mod diagnose;
pub mod proposal;
pub mod report;
