//! Finding the effective constitution: `--constitution FILE`, else what
//! [`Constitution::discover`] finds (`./constitution.yaml`, the user's config dir, the built-in
//! default).

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use shipmate_manifests::Constitution;
use shipmate_manifests::gates::ConstitutionOrigin;

/// Where the effective constitution came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Given with `--constitution`.
    Flag(PathBuf),
    /// Found by discovery.
    Discovered(ConstitutionOrigin),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(p) => write!(f, "{} (--constitution)", p.display()),
            Origin::Discovered(origin) => origin.fmt(f),
        }
    }
}

/// Resolves and loads the effective constitution.
pub fn load(explicit: Option<&Path>) -> anyhow::Result<(Constitution, Origin)> {
    const HINT: &str =
        "fix it, or run `shipmate constitution init --force` to start from the default";
    if let Some(path) = explicit {
        let c = Constitution::load(path).with_context(|| format!("--constitution: {HINT}"))?;
        return Ok((c, Origin::Flag(path.to_owned())));
    }
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let config_dir = Constitution::user_config_dir();
    let (c, origin) =
        Constitution::discover(&cwd, config_dir.as_deref()).with_context(|| HINT.to_owned())?;
    Ok((c, Origin::Discovered(origin)))
}
