//! One module per subcommand.

pub mod apply;
pub mod ask;
pub mod completions;
pub mod constitution;
pub mod diagnose;
pub mod doctor;
pub mod draft;
pub mod history;
pub mod man;
pub mod mcp;
pub mod undo;
pub mod validate;
