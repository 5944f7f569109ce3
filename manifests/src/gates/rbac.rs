//! `no-cluster-admin-binding`: no (Cluster)RoleBinding grants `cluster-admin` (or the other
//! roles the gate lists).

use serde_json::Value;

use super::pod_spec::get;
use super::run::{Obj, Sink};

pub(crate) fn check(obj: &Obj<'_>, roles: &[String], sink: &mut Sink<'_>) {
    let role = get(obj.value, &["roleRef", "name"]).and_then(Value::as_str);
    let role_kind = get(obj.value, &["roleRef", "kind"])
        .and_then(Value::as_str)
        .unwrap_or("ClusterRole");
    let Some(role) = role else { return };
    if role_kind != "ClusterRole" || !roles.iter().any(|r| r == role) {
        return;
    }
    let subjects: Vec<String> = obj
        .value
        .get("subjects")
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s.get("kind").and_then(Value::as_str).unwrap_or("?"),
                        s.get("name").and_then(Value::as_str).unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let to = if subjects.is_empty() {
        String::new()
    } else {
        format!(" to {}", subjects.join(", "))
    };
    sink.emit(
        format!("roleRef grants the ClusterRole `{role}`{to}: full control of the cluster"),
        "set roleRef.name to a Role/ClusterRole with only the verbs and resources needed \
         (e.g. `edit` or `view`, bound in one namespace with a RoleBinding)"
            .to_owned(),
    );
}
