//! Redaction: an audit log must never hold a secret value. Every Secret's `data` and
//! `stringData` values are replaced by [`REDACTED`] (the keys are kept, so the log still says
//! *which* keys changed), as is the `last-applied-configuration` annotation (a full copy of the
//! object, values included). Known secret values are also scrubbed from the free text that is
//! logged — the request, the summary and action arguments — since a request such as "create a
//! secret db with password=hunter2" carries the value itself, and `--from-literal=K=V` arguments
//! lose their value.

use serde_json::Value;

/// What replaces a secret value in the audit log.
pub const REDACTED: &str = "<redacted>";

/// The annotation `kubectl apply` stores a full copy of the object in.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Redacts the secret values of `object` in place (a Secret, or a `…List` holding Secrets) and
/// returns the redacted paths (`data.password`), empty when nothing was secret.
pub fn redact_object(object: &mut Value) -> Vec<String> {
    let mut paths = Vec::new();
    redact_into(object, "", &mut paths);
    paths
}

fn redact_into(object: &mut Value, prefix: &str, paths: &mut Vec<String>) {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind.ends_with("List") {
        if let Some(items) = object.get_mut("items").and_then(Value::as_array_mut) {
            for (i, item) in items.iter_mut().enumerate() {
                redact_into(item, &format!("{prefix}items[{i}]."), paths);
            }
        }
        return;
    }
    if kind != "Secret" {
        return;
    }
    for field in ["data", "stringData"] {
        if let Some(map) = object.get_mut(field).and_then(Value::as_object_mut) {
            for (key, value) in map.iter_mut() {
                *value = Value::String(REDACTED.into());
                paths.push(format!("{prefix}{field}.{key}"));
            }
        }
    }
    if let Some(annotation) = object
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
        .and_then(|a| a.get_mut(LAST_APPLIED))
    {
        *annotation = Value::String(REDACTED.into());
        paths.push(format!("{prefix}metadata.annotations.{LAST_APPLIED}"));
    }
}

/// The secret values held by `objects` (Secret `stringData` values, and `data` values both as
/// written and base64-decoded), longest first, for [`scrub`].
pub fn secret_values<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Vec<String> {
    let mut out = Vec::new();
    for o in objects {
        if o.get("kind").and_then(Value::as_str) != Some("Secret") {
            continue;
        }
        for (field, decode) in [("stringData", false), ("data", true)] {
            let Some(map) = o.get(field).and_then(Value::as_object) else {
                continue;
            };
            for v in map.values().filter_map(Value::as_str) {
                out.push(v.to_owned());
                if decode && let Some(plain) = base64_decode(v) {
                    out.push(plain);
                }
            }
        }
    }
    out.retain(|v| !v.is_empty());
    out.sort_by_key(|v| std::cmp::Reverse(v.len()));
    out.dedup();
    out
}

/// `text` with every occurrence of each of `values` replaced by [`REDACTED`].
pub fn scrub(text: &str, values: &[String]) -> String {
    let mut out = text.to_owned();
    for v in values {
        if out.contains(v.as_str()) {
            out = out.replace(v.as_str(), REDACTED);
        }
    }
    out
}

/// An action argument with secret values removed: known values are scrubbed and the value of
/// `--from-literal=KEY=VALUE` is dropped whatever it is.
pub fn scrub_arg(arg: &str, values: &[String]) -> String {
    if let Some(rest) = arg.strip_prefix("--from-literal=") {
        let key = rest.split_once('=').map_or(rest, |(k, _)| k);
        return format!("--from-literal={key}={REDACTED}");
    }
    scrub(arg, values)
}

/// Standard base64 (padding optional); `None` when `text` is not base64 of UTF-8.
fn base64_decode(text: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            bytes.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_values_are_redacted_keys_kept() {
        let mut s = json!({"kind": "Secret", "metadata": {"name": "db", "annotations": {
                LAST_APPLIED: "{\"stringData\":{\"password\":\"hunter2\"}}"}},
            "data": {"user": "YXBw"}, "stringData": {"password": "hunter2"}});
        let paths = redact_object(&mut s);
        let text = s.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("YXBw"),
            "{text}"
        );
        assert_eq!(s["data"]["user"], REDACTED);
        assert_eq!(
            paths,
            [
                "data.user",
                "stringData.password",
                format!("metadata.annotations.{LAST_APPLIED}").as_str()
            ]
        );
    }

    #[test]
    fn other_kinds_and_lists() {
        let mut cm = json!({"kind": "ConfigMap", "data": {"a": "1"}});
        assert!(redact_object(&mut cm).is_empty());
        assert_eq!(cm["data"]["a"], "1");
        let mut list = json!({"kind": "SecretList", "items": [
            {"kind": "Secret", "data": {"k": "dg=="}}]});
        assert_eq!(redact_object(&mut list), ["items[0].data.k"]);
    }

    #[test]
    fn values_are_scrubbed_from_text() {
        let s = json!({"kind": "Secret", "data": {"user": "YXBwdXNlcg=="},
                       "stringData": {"password": "hunter2"}});
        let values = secret_values([&s]);
        assert!(values.contains(&"appuser".to_owned()), "{values:?}");
        assert_eq!(
            scrub(
                "create a secret db with password=hunter2 user=appuser",
                &values
            ),
            "create a secret db with password=<redacted> user=<redacted>"
        );
        assert_eq!(
            scrub_arg("--from-literal=token=abc", &[]),
            "--from-literal=token=<redacted>"
        );
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aHVudGVyMg==").as_deref(), Some("hunter2"));
        assert_eq!(base64_decode("aHVudGVyMg").as_deref(), Some("hunter2"));
        assert_eq!(base64_decode("not base64!"), None);
    }
}
