//! Finding the effective constitution: `--constitution FILE`, else `./constitution.yaml`, else
//! the user's config dir (`$XDG_CONFIG_HOME/shipmate/constitution.yaml`, falling back to
//! `~/.config/shipmate/constitution.yaml`), else the built-in default.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use shipmate_manifests::Constitution;

/// Where the effective constitution came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Given with `--constitution`.
    Flag(PathBuf),
    /// `constitution.yaml` in the current directory.
    Project(PathBuf),
    /// The user's config dir.
    UserConfig(PathBuf),
    /// Compiled into shipmate.
    Builtin,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(p) => write!(f, "{} (--constitution)", p.display()),
            Origin::Project(p) => write!(f, "{} (project)", p.display()),
            Origin::UserConfig(p) => write!(f, "{} (user config)", p.display()),
            Origin::Builtin => f.write_str("built-in default"),
        }
    }
}

/// The user's config file for the constitution, if a config dir can be determined.
pub fn user_config_path() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".config"),
    };
    Some(base.join("shipmate").join("constitution.yaml"))
}

/// Resolves and loads the effective constitution.
pub fn load(explicit: Option<&Path>) -> anyhow::Result<(Constitution, Origin)> {
    let origin = if let Some(path) = explicit {
        Origin::Flag(path.to_owned())
    } else if Path::new("constitution.yaml").is_file() {
        Origin::Project(PathBuf::from("constitution.yaml"))
    } else if let Some(path) = user_config_path().filter(|p| p.is_file()) {
        Origin::UserConfig(path)
    } else {
        return Ok((Constitution::builtin(), Origin::Builtin));
    };
    let path = match &origin {
        Origin::Flag(p) | Origin::Project(p) | Origin::UserConfig(p) => p,
        Origin::Builtin => unreachable!("handled above"),
    };
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read constitution {}: check the path, or run `shipmate constitution init` to write the default",
            path.display()
        )
    })?;
    let constitution = Constitution::from_yaml(&text, &path.display().to_string())
        .with_context(|| format!("invalid constitution {}", path.display()))?;
    Ok((constitution, origin))
}
