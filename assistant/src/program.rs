//! Finding an external program (kubectl, helm) the way a process spawn does: a path with a
//! directory part names the file itself; a bare name is looked up on `PATH`.

use std::path::{Path, PathBuf};

/// The file `program` runs: itself when it has a directory part, else the first match on
/// `PATH`; `None` when there is none.
pub fn locate(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// `$VAR` when it is set and not empty, else `name` (looked up on `PATH` when run).
pub fn from_env(var: &str, name: &str) -> PathBuf {
    std::env::var_os(var)
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(name), PathBuf::from)
}
