//! One module per subcommand.

pub mod apply;
pub mod ask;
pub mod constitution;
pub mod diagnose;
pub mod history;
pub mod mcp;
pub mod undo;
pub mod validate;
