//! Human-readable rendering of reports and proposals.

pub mod report;
