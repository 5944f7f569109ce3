//! Null values, the way Kubernetes (and `kubeconform -strict`) treat them.
//!
//! `creationTimestamp: null` (what `kubectl create --dry-run -o yaml` prints) or `resources:`
//! with nothing after it are common and harmless: the API server treats a null field as absent.
//! kubeconform's schemas allow `null` for every optional field; a required field that is null is
//! an error. We get the same verdicts by validating a copy of the object without its null
//! members: an optional field then simply is absent, a required one is reported missing.
//!
//! Null array items (`args: [null]`) are left alone and reported as type errors.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// The object without null-valued members (recursively); borrowed when there are none.
pub(crate) fn without_nulls(value: &Value) -> Cow<'_, Value> {
    if has_null_member(value) {
        Cow::Owned(strip(value))
    } else {
        Cow::Borrowed(value)
    }
}

fn has_null_member(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.values().any(|v| v.is_null() || has_null_member(v)),
        Value::Array(items) => items.iter().any(has_null_member),
        _ => false,
    }
}

fn strip(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strips_null_members_only() {
        let v = json!({"a": null, "b": {"c": null, "d": 1}, "e": [null, {"f": null}]});
        assert_eq!(*without_nulls(&v), json!({"b": {"d": 1}, "e": [null, {}]}));
        let clean = json!({"a": [null]});
        assert!(matches!(without_nulls(&clean), Cow::Borrowed(_)));
    }
}
