//! Named backend profiles in `$XDG_CONFIG_HOME/shipmate/config.yaml` (default
//! `~/.config/shipmate/config.yaml`), chosen with `--profile NAME` (or `SHIPMATE_PROFILE`, or
//! the file's `default_profile`):
//!
//! ```yaml
//! default_profile: local
//! profiles:
//!   local: {backend: openai, model: qwen2.5-coder:7b, base_url: "http://127.0.0.1:11434/v1"}
//!   work:  {backend: openai, model: gpt-4o-mini, api_key_env: WORK_OPENAI_KEY}
//! ```
//!
//! A profile never holds a key, only where to find one (`api_key_env`: the name of an
//! environment variable), so the file can be shared and never leaks a secret. Flags win over the
//! profile: `--backend`, `--model`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use serde::Deserialize;
use shipmate_manifests::Constitution;
use shipmate_plugins::BackendOptions;

/// Largest config file read.
const MAX_CONFIG: u64 = 1024 * 1024;

/// One profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The backend (`openai`, `anthropic`…).
    pub backend: Option<String>,
    /// The model.
    pub model: Option<String>,
    /// The provider's base URL (an OpenAI-compatible server, a proxy).
    pub base_url: Option<String>,
    /// The environment variable holding the API key (never the key itself).
    pub api_key_env: Option<String>,
    /// Always `--anonymize` with this profile.
    #[serde(default)]
    pub anonymize: bool,
}

/// The config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The profile used when none is named.
    pub default_profile: Option<String>,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Where the config file is (whether or not it exists).
pub fn config_path() -> Option<PathBuf> {
    Constitution::user_config_dir().map(|d| d.join("config.yaml"))
}

/// Reads the config file at `path`; a missing file is an empty config.
///
/// # Errors
/// Unreadable, too large, not YAML, unknown keys — each naming the file and the fix.
pub fn load(path: &Path) -> anyhow::Result<Config> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if meta.len() > MAX_CONFIG {
        bail!(
            "{} is larger than {MAX_CONFIG} bytes; it should hold a few profiles",
            path.display()
        );
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    serde_saphyr::from_str(&text).map_err(|e| {
        anyhow!(
            "{} is not a valid shipmate config: {e}; expected `default_profile:` and \
             `profiles:` with backend, model, base_url and api_key_env per profile",
            path.display()
        )
    })
}

impl Config {
    /// The profile `name` (else `default_profile`); `None` when neither names one.
    ///
    /// # Errors
    /// A named profile that the file does not define (the message lists the defined ones).
    pub fn pick(&self, name: Option<&str>, path: &Path) -> anyhow::Result<Option<&Profile>> {
        let Some(name) = name.or(self.default_profile.as_deref()) else {
            return Ok(None);
        };
        self.profiles.get(name).map(Some).ok_or_else(|| {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            anyhow!(
                "no profile `{name}` in {} (profiles: {}); add it or pick another with --profile",
                path.display(),
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            )
        })
    }
}

/// The backend name and options for a session: flags first, then the profile, then the
/// defaults (`rules`, the backend's own model, base URL and key variable).
pub fn resolve(
    backend_flag: Option<&str>,
    model_flag: Option<&str>,
    profile: Option<&Profile>,
) -> (String, BackendOptions) {
    let profile = profile.cloned().unwrap_or_default();
    let backend = backend_flag
        .map(str::to_owned)
        .or(profile.backend)
        .unwrap_or_else(|| "rules".into());
    let options = BackendOptions {
        model: model_flag.map(str::to_owned).or(profile.model),
        base_url: profile.base_url,
        api_key_env: profile.api_key_env,
        stream: false,
    };
    (backend, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn flags_win_over_the_profile_and_the_default_profile_applies() {
        let (_d, path) = write(
            "default_profile: local\nprofiles:\n  local: {backend: openai, model: m1, base_url: 'http://x/v1'}\n  work: {backend: openai, api_key_env: WORK_KEY}\n",
        );
        let config = load(&path).unwrap();
        let local = config.pick(None, &path).unwrap();
        let (backend, opts) = resolve(None, None, local);
        assert_eq!(backend, "openai");
        assert_eq!(opts.model.as_deref(), Some("m1"));
        assert_eq!(opts.base_url.as_deref(), Some("http://x/v1"));
        let (backend, opts) = resolve(Some("rules"), Some("m2"), local);
        assert_eq!(
            (backend.as_str(), opts.model.as_deref()),
            ("rules", Some("m2"))
        );
        let work = config.pick(Some("work"), &path).unwrap();
        assert_eq!(
            resolve(None, None, work).1.api_key_env.as_deref(),
            Some("WORK_KEY")
        );
        assert_eq!(resolve(None, None, None).0, "rules");
    }

    #[test]
    fn bad_files_and_unknown_profiles_name_the_file_and_the_fix() {
        let (_d, path) = write("profiles:\n  x: {backend: openai, api_key: sk-123}\n");
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("config.yaml") && err.contains("api_key_env"),
            "{err}"
        );
        let (_d, path) = write("profiles: {a: {}}\n");
        let err = load(&path)
            .unwrap()
            .pick(Some("b"), &path)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no profile `b`") && err.contains("profiles: a"),
            "{err}"
        );
        let missing = path.with_file_name("absent.yaml");
        assert!(load(&missing).unwrap().profiles.is_empty());
    }

    /// `docs/config.example.yaml` is read by the real loader (unknown keys are errors there),
    /// names only registered backends, and shows every key a profile has: the example cannot
    /// drift from the code in either direction.
    #[test]
    fn the_documented_example_loads_and_shows_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/config.example.yaml");
        let config = load(&path).unwrap_or_else(|e| panic!("{e:#}"));
        let default = config.pick(None, &path).unwrap();
        assert!(default.is_some(), "default_profile names a defined profile");
        let registry = shipmate_plugins::Registry::builtin();
        for (name, profile) in &config.profiles {
            let backend = profile.backend.as_deref().unwrap_or("rules");
            assert!(
                registry.list().any(|(n, _)| n == backend),
                "profile {name}: unknown backend {backend}"
            );
        }
        let profiles: Vec<&Profile> = config.profiles.values().collect();
        assert!(profiles.iter().any(|p| p.model.is_some()));
        assert!(profiles.iter().any(|p| p.base_url.is_some()));
        assert!(profiles.iter().any(|p| p.api_key_env.is_some()));
        let text = std::fs::read_to_string(&path).unwrap();
        for key in [
            "default_profile:",
            "profiles:",
            "backend:",
            "model:",
            "base_url:",
            "api_key_env:",
        ] {
            assert!(text.contains(key), "the example documents {key}");
        }
    }
}
