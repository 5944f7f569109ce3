//! `no-plaintext-secrets-configmap` and `no-plaintext-secrets-env`: credentials belong in
//! Secrets, not in ConfigMaps or literal container `env` values.
//!
//! A value is flagged when its key/name says it is a credential (password, token, API key,
//! private key, client secret, connection string…) and it holds a literal (not a `$(VAR)`
//! reference, a placeholder, a path, a number or a boolean); or, whatever its name, when it
//! looks like one (a PEM private key, a URL with a password, well-known token formats, a
//! `password=…` line in a config file). Findings never repeat the value.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::pod_spec::ALL_CONTAINERS;
use super::run::{Obj, Sink};

struct Patterns {
    name: Regex,
    not_secret_name: Regex,
    value: Regex,
    assignment: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).unwrap_or_else(|e| unreachable!("bad built-in regex: {e}"));
        let secret_word = r"passw(?:or)?d|passwd|secret|token|api[_.-]?key|private[_.-]?key|access[_.-]?key|client[_.-]?secret|credentials?|connection[_.-]?string|auth[_.-]?key";
        Patterns {
            // The word must end there (`tokenizer` is not a token): no lowercase letter follows.
            name: re(&format!("(?i:{secret_word})(?:[^a-z]|$)")),
            not_secret_name: re(
                r"(?i)(?:[_.-](?:file|path|dir|name|ref|enabled|ttl|expiry|expiration|lifetime|length|timeout|type|mode|header|id|url|endpoint|uri|location|version|size|policy)$)|(?:^(?:no|use|enable|disable)[_.-])",
            ),
            value: re(concat!(
                r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
                r"|[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:[^/\s@${<]+@",
                r"|\bAKIA[0-9A-Z]{16}\b",
                r"|\bgh[pousr]_[A-Za-z0-9]{36,}",
                r"|\bxox[baprs]-[A-Za-z0-9-]{10,}",
                r"|\bAIza[0-9A-Za-z_-]{35}",
                r"|\bsk_live_[0-9a-zA-Z]{24,}",
                r"|\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
            )),
            assignment: re(&format!(
                r#"(?im)^[ \t]*(?:export[ \t]+)?["']?([\w.-]*(?:{secret_word})[\w.-]*)["']?[ \t]*[:=][ \t]*["']?([^\s"'#,;]*)"#
            )),
        }
    })
}

/// True when `name` says its value is a credential.
fn secret_name(name: &str) -> bool {
    let p = patterns();
    p.name.is_match(name) && !p.not_secret_name.is_match(name)
}

/// True when a value is a literal rather than a reference, placeholder, path, flag or number.
fn literal(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || v.len() < 3
        || v.starts_with(['$', '{', '<', '%', '/', '['])
        || v.contains("{{")
        || v.contains(['(', '['])
        || v.contains("environ")
        || v.contains("getenv")
        || v.contains("process.env")
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "none" | "nil" | "~" | "\"\"" | "''"
        )
        || v.parse::<f64>().is_ok())
}

/// Why a value (under `name`) looks like a plaintext credential, if it does.
fn why(name: &str, value: &str) -> Option<String> {
    let p = patterns();
    if !value.contains('\n') && secret_name(name) && literal(value) {
        return Some(format!(
            "`{name}` names a credential and holds a literal value"
        ));
    }
    if p.value.is_match(value) {
        return Some(format!(
            "`{name}` holds what looks like a credential (private key, token or URL with a password)"
        ));
    }
    if value.contains('\n') || value.contains('=') || value.contains(": ") {
        for c in p.assignment.captures_iter(value) {
            let (Some(key), Some(v)) = (c.get(1), c.get(2)) else {
                continue;
            };
            // `passwd: files` is nsswitch.conf, not a password.
            if !key.as_str().eq_ignore_ascii_case("passwd")
                && secret_name(key.as_str())
                && literal(v.as_str())
            {
                return Some(format!(
                    "`{name}` sets `{}` to a literal credential",
                    key.as_str()
                ));
            }
        }
    }
    None
}

pub(crate) fn check_configmap(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let Some(data) = obj.value.get("data").and_then(Value::as_object) else {
        return;
    };
    for (key, value) in data {
        let Some(value) = value.as_str() else {
            continue;
        };
        if let Some(why) = why(key, value) {
            sink.emit(
                format!("data[\"{key}\"]: {why}; ConfigMaps are not encrypted or access-controlled like Secrets"),
                format!(
                    "move data[\"{key}\"] into a Secret (kubectl create secret generic <name> \
                     --from-literal=<key>=<value>) and mount it or reference it with \
                     secretKeyRef; remove it from this ConfigMap"
                ),
            );
        }
    }
}

pub(crate) fn check_env(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(ALL_CONTAINERS) {
        let Some(env) = c.value.get("env").and_then(Value::as_array) else {
            continue;
        };
        for (i, e) in env.iter().enumerate() {
            let name = e.get("name").and_then(Value::as_str).unwrap_or("?");
            let Some(value) = e.get("value").and_then(Value::as_str) else {
                continue;
            };
            if let Some(why) = why(name, value) {
                let path = format!("{}.env[{i}]", c.path());
                sink.emit(
                    format!("{} env {why} in plain text", c.describe()),
                    format!(
                        "replace {path}.value with {path}.valueFrom.secretKeyRef: {{name: \
                         <secret>, key: {}}} and store the value in that Secret",
                        name.to_ascii_lowercase().replace('_', "-")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_credentials_and_not_their_neighbours() {
        assert!(why("DB_PASSWORD", "hunter2").is_some());
        assert!(why("API_KEY", "abcdef123").is_some());
        assert!(why("DATABASE_URL", "postgres://app:s3cret@db:5432/app").is_some());
        assert!(why("app.properties", "db.url=x\ndb.password=hunter2\n").is_some());
        assert!(why("key.pem", "-----BEGIN RSA PRIVATE KEY-----\nMII\n").is_some());
        assert!(why("DB_PASSWORD", "$(DB_PASS)").is_none());
        assert!(why("DB_PASSWORD_FILE", "/run/secrets/db").is_none());
        assert!(why("TOKEN_TTL", "3600").is_none());
        assert!(why("SECRET_NAME", "my-secret").is_none());
        assert!(why("PWD", "/app").is_none());
        assert!(why("DATABASE_URL", "postgres://db:5432/app").is_none());
        assert!(why("model.py", "self.tokenizer = AutoTokenizer()\n").is_none());
        assert!(why("REDIS_URL", "redis://:hunter2@redis:6379/0").is_some());
        assert!(why("REDIS_URL", "redis://redis:6379/0").is_none());
        assert!(why("SECRET_KEY_BASE", "a1b2c3d4e5").is_some());
        assert!(why("apiToken", "abc123xyz").is_some());
        assert!(why("model.py", "x = f(\n  token=os.environ[\"HF\"]\n)\n").is_none());
        assert!(why("nsswitch.conf", "passwd:         compat\ngroup: compat\n").is_none());
        assert!(why("app.properties", "db.password=${DB_PASSWORD}\n").is_none());
    }
}
