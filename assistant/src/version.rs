//! The version shipmate reports: the crate version and, when built from a git checkout (or a
//! packaged crate that recorded one), the commit it was built from (see `build.rs`).

/// `0.1.0 (1a2b3c4d)`, `0.1.0 (1a2b3c4d-dirty)`, or `0.1.0` when the revision is unknown.
pub const VERSION: &str = env!("SHIPMATE_VERSION");
