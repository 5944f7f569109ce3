//! The proposal digest: `sha256:` and the hex SHA-256 of the proposal's canonical JSON (object
//! keys sorted at every level, no whitespace), taken **after** Secret values are redacted and
//! with `applied` left out — so it identifies what was proposed without letting anyone who reads
//! the log test guesses of a secret against it.

use serde_json::Value;
use sha2::{Digest as _, Sha256};
use shipmate_plugins::Proposal;

use super::redact::{REDACTED, redact_object, scrub, scrub_arg, secret_values};

/// The digest of `p` (see the module docs).
pub fn proposal_digest(p: &Proposal) -> String {
    let mut p = p.clone();
    p.applied = None;
    let values = secret_values(&p.manifests);
    p.request = scrub(&p.request, &values);
    p.summary = scrub(&p.summary, &values);
    for a in &mut p.actions {
        a.argv = a.argv.iter().map(|t| scrub_arg(t, &values)).collect();
    }
    for m in &mut p.manifests {
        redact_object(m);
    }
    let value = serde_json::to_value(&p).unwrap_or(Value::Null);
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    let hash = Sha256::digest(canonical.as_bytes());
    let mut out = String::from("sha256:");
    for b in hash {
        out.push_str(&format!("{b:02x}"));
    }
    debug_assert!(!out.contains(REDACTED));
    out
}

/// Canonical JSON: keys sorted, no insignificant whitespace.
pub fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipmate_plugins::Status;

    #[test]
    fn canonical_form_sorts_keys() {
        let mut out = String::new();
        write_canonical(&json!({"b": [1, {"d": 1, "c": "x"}], "a": null}), &mut out);
        assert_eq!(out, r#"{"a":null,"b":[1,{"c":"x","d":1}]}"#);
    }

    #[test]
    fn digest_is_stable_and_ignores_applied_and_key_order() {
        let mut a = Proposal::new("rules", "r", Status::Proposed, "s");
        a.manifests
            .push(json!({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "1"}}));
        let mut b = a.clone();
        b.manifests[0] =
            json!({"data": {"a": "1"}, "metadata": {"name": "x"}, "kind": "ConfigMap"});
        let d = proposal_digest(&a);
        assert!(d.starts_with("sha256:") && d.len() == 7 + 64, "{d}");
        assert_eq!(d, proposal_digest(&b));
        b.manifests[0]["data"]["a"] = json!("2");
        assert_ne!(d, proposal_digest(&b));
    }

    #[test]
    fn secret_values_do_not_change_the_digest() {
        let secret = |v: &str| {
            let mut p = Proposal::new("rules", &format!("secret pw={v}"), Status::Proposed, "s");
            p.manifests
                .push(json!({"kind": "Secret", "stringData": {"pw": v}}));
            p
        };
        assert_eq!(
            proposal_digest(&secret("aaa")),
            proposal_digest(&secret("bbb"))
        );
    }
}
