//! Where shipmate keeps its state (the audit log, the REPL history): the XDG state directory,
//! `$XDG_STATE_HOME/shipmate`, else `~/.local/state/shipmate`. Relative values are ignored, as
//! the XDG base-directory specification says.

use std::path::PathBuf;

/// `$XDG_STATE_HOME/shipmate`, else `$HOME/.local/state/shipmate`; `None` when neither
/// variable holds an absolute path.
pub fn state_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|home| home.join(".local/state"))
        })
        .map(|state| state.join("shipmate"))
}
