//! The REPL's input history, kept across sessions in `$XDG_STATE_HOME/shipmate/repl_history`,
//! readable by its owner only (requests can name things worth keeping private). Each line is
//! appended as soon as it is entered, so a killed session loses nothing. A history that cannot
//! be kept is a warning, never a reason not to start.

use std::path::{Path, PathBuf};

use super::ui::LineEditor;

/// File name under the state directory.
const FILE: &str = "repl_history";

/// Loads the history into `editor` and returns where to keep it (`None`: not kept).
pub fn open(editor: &mut LineEditor) -> Option<PathBuf> {
    let path = crate::xdg::state_dir()?.join(FILE);
    if let Err(err) = prepare(&path) {
        eprintln!(
            "shipmate: warning: the REPL history is not kept ({}: {err})",
            path.display()
        );
        return None;
    }
    if let Err(err) = editor.load_history(&path) {
        eprintln!(
            "shipmate: warning: cannot read the REPL history {}: {err}",
            path.display()
        );
    }
    Some(path)
}

/// Adds `line` to the history and appends it to the file.
pub fn add(editor: &mut LineEditor, path: Option<&Path>, line: &str) {
    if editor.add_history_entry(line).is_err() {
        return;
    }
    if let Some(path) = path
        && let Err(err) = editor.append_history(path)
    {
        eprintln!(
            "shipmate: warning: cannot save the REPL history to {}: {err}",
            path.display()
        );
    }
}

/// Creates the directory and an empty file (mode 0600) when missing; tightens an existing
/// file's mode to 0600.
fn prepare(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    options.open(path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_even_when_it_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/shipmate").join(FILE);
        prepare(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        prepare(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
    }
}
