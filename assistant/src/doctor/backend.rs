//! Backend checks: the config file and profile, the backend they select (model, base URL, the
//! variable the key comes from and whether it is set — never the key), and for LLM backends
//! whether the server answers a cheap request (its model list).

use shipmate_plugins::llm::probe::Setup;
use shipmate_plugins::{BackendError, Registry, llm_setup};

use super::{Check, DoctorOptions};
use crate::profiles::{self, Profile};

/// The config, backend and (for LLM backends) backend-reachable checks.
pub async fn checks(opts: &DoctorOptions) -> Vec<Check> {
    let (config, profile) = config(opts);
    if config.status == super::Status::Fail {
        return vec![config];
    }
    let (name, options) = profiles::resolve(
        opts.backend.as_deref(),
        opts.model.as_deref(),
        profile.as_ref(),
    );
    let registry = Registry::builtin();
    let Some((_, about)) = registry.list().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = registry.list().map(|(n, _)| n).collect();
        let backend = Check::fail(
            "backend",
            format!("unknown backend `{name}`"),
            format!(
                "pick one of {} (--backend, or `backend:` in the profile)",
                names.join(", ")
            ),
        );
        return vec![config, backend];
    };
    let Some(setup) = llm_setup(&name, &options) else {
        // Not an LLM backend: nothing to reach.
        let backend = Check::ok("backend", format!("{name}: {about}"));
        return vec![config, backend];
    };
    let backend = describe(&setup);
    if backend.status == super::Status::Fail {
        return vec![config, backend];
    }
    vec![config, backend, reach(&setup, opts.timeout).await]
}

/// The config file loads and the profile asked for exists.
fn config(opts: &DoctorOptions) -> (Check, Option<Profile>) {
    const NAME: &str = "config";
    const FIX: &str = "fix the file: docs/config.example.yaml documents every key";
    let Some(path) = profiles::config_path() else {
        let check = if opts.profile.is_some() {
            Check::fail(
                NAME,
                "--profile needs a config directory, and neither XDG_CONFIG_HOME nor HOME is set",
                "set HOME or XDG_CONFIG_HOME",
            )
        } else {
            Check::ok(NAME, "no config directory (HOME unset): built-in defaults")
        };
        return (check, None);
    };
    let config = match profiles::load(&path) {
        Ok(config) => config,
        Err(e) => return (Check::fail(NAME, format!("{e:#}"), FIX), None),
    };
    if !path.is_file() {
        let message = format!("no {} (built-in defaults)", path.display());
        return (Check::ok(NAME, message), None);
    }
    match config.pick(opts.profile.as_deref(), &path) {
        Ok(Some(profile)) => {
            let name = opts
                .profile
                .as_deref()
                .or(config.default_profile.as_deref())
                .unwrap_or_default();
            let message = format!("{} (profile {name})", path.display());
            (Check::ok(NAME, message), Some(profile.clone()))
        }
        Ok(None) => (
            Check::ok(NAME, format!("{} (no profile selected)", path.display())),
            None,
        ),
        Err(e) => (Check::fail(NAME, format!("{e:#}"), FIX), None),
    }
}

/// Where an LLM backend sends requests and where its key comes from.
fn describe(setup: &Setup) -> Check {
    let key = if setup.key_set {
        format!("key from {} (set)", setup.key_var)
    } else {
        format!("key from {} (not set)", setup.key_var)
    };
    let message = format!(
        "{}: model {} at {}, {key}",
        setup.backend, setup.model, setup.base_url
    );
    match &setup.problem {
        None => Check::ok("backend", message),
        Some(problem) if !setup.key_set => Check::fail(
            "backend",
            format!("{message}: {problem}"),
            format!(
                "export {}=… (or name another variable with `api_key_env:` in the profile), or \
                 point {} / `base_url:` at a server that needs no key",
                setup.key_var, setup.url_var
            ),
        ),
        Some(problem) => Check::fail(
            "backend",
            format!("{message}: {problem}"),
            format!(
                "set {} or `base_url:` in the profile to an http(s):// URL",
                setup.url_var
            ),
        ),
    }
}

/// Asks the server for its model list.
async fn reach(setup: &Setup, timeout: std::time::Duration) -> Check {
    const NAME: &str = "backend-reach";
    let url = setup.models_url();
    let reach = match setup.probe(timeout).await {
        Ok(reach) => reach,
        Err(BackendError::Unauthorized { status, .. }) => {
            return Check::fail(
                NAME,
                format!("{url} rejected the key ({status})"),
                format!(
                    "put a valid key for {} in {}",
                    setup.base_url, setup.key_var
                ),
            );
        }
        Err(e @ BackendError::Unreachable { .. }) => {
            return Check::fail(
                NAME,
                e.to_string(),
                format!(
                    "start the server or check the network, and the base URL ({} or \
                     `base_url:` in the profile)",
                    setup.url_var
                ),
            );
        }
        Err(e) => {
            return Check::fail(
                NAME,
                e.to_string(),
                format!(
                    "check the base URL ({} or `base_url:` in the profile)",
                    setup.url_var
                ),
            );
        }
    };
    let count = reach.models.len();
    if reach.lists(&setup.model) {
        return Check::ok(
            NAME,
            format!("{url} answers: {count} models, {} among them", setup.model),
        );
    }
    // OpenAI-compatible servers and Ollama list every model they serve; Anthropic and Gemini
    // also accept aliases their lists leave out, and page their lists.
    let exhaustive = matches!(setup.backend, "openai" | "ollama");
    if exhaustive && count > 0 {
        let some: Vec<&str> = reach.models.iter().take(5).map(String::as_str).collect();
        let pull = if setup.backend == "ollama" {
            format!("`ollama pull {}`, or ", setup.model)
        } else {
            String::new()
        };
        return Check::warn(
            NAME,
            format!(
                "{url} answers, but model {} is not among its {count} models",
                setup.model
            ),
            format!(
                "{pull}pick one it serves with --model or `model:` in the profile (e.g. {})",
                some.join(", ")
            ),
        );
    }
    Check::ok(NAME, format!("{url} answers: {count} models listed"))
}
