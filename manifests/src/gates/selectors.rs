//! `selector-matches-template`: a workload's selector selects its own pod template; otherwise
//! the API server rejects it or, worse, the controller manages pods it never creates.

use serde_json::{Map, Value};

use super::pod_spec::get;
use super::run::{Obj, Sink};

/// True when `labels` satisfy a label selector (`matchLabels` and `matchExpressions`).
pub(crate) fn selector_matches(selector: &Value, labels: Option<&Map<String, Value>>) -> bool {
    let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_object)
        && !ml.iter().all(|(k, v)| label(k) == v.as_str())
    {
        return false;
    }
    let exprs = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(|a| a.as_slice())
        .unwrap_or_default();
    exprs.iter().all(|e| {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = e
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let have = label(key);
        match e.get("operator").and_then(Value::as_str) {
            Some("In") => have.is_some_and(|h| values.contains(&h)),
            Some("NotIn") => have.is_none_or(|h| !values.contains(&h)),
            Some("Exists") => have.is_some(),
            Some("DoesNotExist") => have.is_none(),
            _ => false,
        }
    })
}

/// True when every `key: value` of a plain map selector is among `labels`.
pub(crate) fn map_matches(
    selector: &Map<String, Value>,
    labels: Option<&Map<String, Value>>,
) -> bool {
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

pub(crate) fn check(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let kind = obj.kind;
    let Some(pod) = obj.pod else { return };
    let (selector, path) = match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => (
            obj.value.get("spec").and_then(|s| s.get("selector")),
            "spec.selector",
        ),
        "Job"
            if get(obj.value, &["spec", "manualSelector"]).and_then(Value::as_bool)
                == Some(true) =>
        {
            (
                obj.value.get("spec").and_then(|s| s.get("selector")),
                "spec.selector",
            )
        }
        "ReplicationController" => (
            obj.value.get("spec").and_then(|s| s.get("selector")),
            "spec.selector",
        ),
        _ => return,
    };
    let Some(selector) = selector.filter(|s| !s.is_null()) else {
        return;
    };
    let matches = if kind == "ReplicationController" {
        selector
            .as_object()
            .is_none_or(|m| map_matches(m, pod.labels))
    } else {
        selector_matches(selector, pod.labels)
    };
    if matches {
        return;
    }
    let tpl = pod.path.trim_end_matches(".spec");
    let wanted = selector
        .get("matchLabels")
        .or(if kind == "ReplicationController" {
            Some(selector)
        } else {
            None
        })
        .map(|m| m.to_string())
        .unwrap_or_else(|| selector.to_string());
    let have = pod
        .labels
        .map(|l| Value::Object(l.clone()).to_string())
        .unwrap_or_else(|| "{}".to_owned());
    sink.emit(
        format!(
            "{path} {wanted} does not match the pod template labels {tpl}.metadata.labels {have}"
        ),
        format!(
            "set {tpl}.metadata.labels to include {wanted} (or change {path} to match the template)"
        ),
    );
}
