//! Checks of local files: the constitution, and the state directory the audit log and the REPL
//! history are written to.

use std::path::Path;

use super::Check;

/// The effective constitution loads and validates.
pub fn constitution(explicit: Option<&Path>) -> Check {
    match crate::policy::load(explicit) {
        Ok((c, origin)) => Check::ok(
            "constitution",
            format!("{origin}: {} gates", c.gate_ids().count()),
        ),
        Err(e) => Check::fail(
            "constitution",
            format!("{e:#}"),
            "fix the file, or run `shipmate constitution init --force` to start from the default",
        ),
    }
}

/// The state directory exists (or can be created) and a file can be written in it.
pub fn state_dir() -> Check {
    const NAME: &str = "state-dir";
    let Some(dir) = crate::xdg::state_dir() else {
        return Check::fail(
            NAME,
            "no state directory: neither XDG_STATE_HOME nor HOME is an absolute path, so \
             nothing can be applied (applies need the audit log)",
            "set XDG_STATE_HOME (or HOME) to an absolute path",
        );
    };
    let writable = std::fs::create_dir_all(&dir).and_then(|()| tempfile::tempfile_in(&dir));
    match writable {
        Ok(_) => Check::ok(
            NAME,
            format!("{} is writable (audit log and REPL history)", dir.display()),
        ),
        Err(e) => Check::fail(
            NAME,
            format!("cannot write in {}: {e}", dir.display()),
            "make that directory writable, or set XDG_STATE_HOME to a writable directory",
        ),
    }
}
