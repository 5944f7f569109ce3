//! Server-side apply and field ownership (`metadata.managedFields`).
//!
//! Ownership is tracked per manager as a set of *field paths*: every map key is descended, and
//! every non-map value (scalars and lists; lists are atomic here, unlike the real server's
//! keyed list merging) is a leaf. That is finer than the top-level granularity the tests need
//! and coarse enough to stay small. The rules are the real ones:
//!
//! - an apply by manager M owns exactly the fields in its configuration afterwards; fields M
//!   owned before, left out now and owned by nobody else, are removed from the object;
//! - applying a field another manager owns *with a different value* is a conflict (409,
//!   `reason: Conflict`, one `FieldManagerConflict` cause per field) unless `force=true`, which
//!   takes the field over; the same value means shared ownership;
//! - non-apply writes (create, update, merge/strategic patch) give their manager (an `Update`
//!   entry) the fields they changed, taking them from everyone else without conflict.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::clock::now_rfc3339;
use super::status::ApiError;

/// A field path: map keys from the object root.
type FieldPath = Vec<String>;

/// One `managedFields` entry.
#[derive(Debug, Clone)]
struct Entry {
    manager: String,
    operation: String,
    api_version: String,
    time: String,
    fields: BTreeSet<FieldPath>,
}

/// Metadata fields the server owns; they never appear in field sets.
const SERVER_META: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "deletionTimestamp",
    "selfLink",
];

/// Leaf paths of an object (without `apiVersion`, `kind`, `status`, server metadata).
fn leaf_paths(obj: &Value) -> BTreeSet<FieldPath> {
    fn walk(v: &Value, prefix: &mut FieldPath, out: &mut BTreeSet<FieldPath>) {
        match v {
            Value::Object(map) if !map.is_empty() => {
                for (k, child) in map {
                    let skip = match prefix.as_slice() {
                        [] => matches!(k.as_str(), "apiVersion" | "kind" | "status"),
                        [m] if m == "metadata" => SERVER_META.contains(&k.as_str()),
                        _ => false,
                    };
                    if !skip {
                        prefix.push(k.clone());
                        walk(child, prefix, out);
                        prefix.pop();
                    }
                }
            }
            _ if !prefix.is_empty() => {
                out.insert(prefix.clone());
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(obj, &mut Vec::new(), &mut out);
    out
}

/// `FieldsV1` JSON (`{"f:spec":{"f:replicas":{}}}`) for a set of paths.
fn to_fields_v1(paths: &BTreeSet<FieldPath>) -> Value {
    let mut root = Map::new();
    for path in paths {
        let mut node = &mut root;
        for key in path {
            node = node
                .entry(format!("f:{key}"))
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("built as objects");
        }
    }
    Value::Object(root)
}

/// Paths from `FieldsV1` JSON; keyed list entries (`k:`, `v:`, `i:`) make their list a leaf.
fn from_fields_v1(v: &Value) -> BTreeSet<FieldPath> {
    fn walk(v: &Value, prefix: &mut FieldPath, out: &mut BTreeSet<FieldPath>) {
        let children: Vec<(&String, &Value)> = v
            .as_object()
            .map(|m| m.iter().filter(|(k, _)| k.as_str() != ".").collect())
            .unwrap_or_default();
        let named: Vec<_> = children
            .iter()
            .filter_map(|(k, c)| k.strip_prefix("f:").map(|k| (k, *c)))
            .collect();
        if named.is_empty() || named.len() < children.len() {
            if !prefix.is_empty() {
                out.insert(prefix.clone());
            }
            return;
        }
        for (k, c) in named {
            prefix.push(k.to_string());
            walk(c, prefix, out);
            prefix.pop();
        }
    }
    let mut out = BTreeSet::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

fn read_entries(obj: &Value) -> Vec<Entry> {
    obj["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| Entry {
            manager: e["manager"].as_str().unwrap_or_default().into(),
            operation: e["operation"].as_str().unwrap_or("Update").into(),
            api_version: e["apiVersion"].as_str().unwrap_or_default().into(),
            time: e["time"].as_str().unwrap_or_default().into(),
            fields: from_fields_v1(&e["fieldsV1"]),
        })
        .collect()
}

fn write_entries(obj: &mut Value, entries: Vec<Entry>) {
    let list: Vec<Value> = entries
        .into_iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            json!({
                "manager": e.manager, "operation": e.operation, "apiVersion": e.api_version,
                "time": e.time, "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(&e.fields),
            })
        })
        .collect();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("managedFields".into(), Value::Array(list));
    }
}

fn get_path<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn remove_path(v: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = v;
    for k in parents {
        match node.get_mut(k) {
            Some(n) => node = n,
            None => return,
        }
    }
    if let Some(map) = node.as_object_mut() {
        map.remove(last);
    }
}

/// Deep-merges `config` into `live`: maps merge, everything else replaces.
fn merge(live: &mut Value, config: &Value) {
    match (live, config) {
        (Value::Object(l), Value::Object(c)) => {
            for (k, cv) in c {
                match l.get_mut(k) {
                    Some(lv) if lv.is_object() && cv.is_object() => merge(lv, cv),
                    _ => {
                        l.insert(k.clone(), cv.clone());
                    }
                }
            }
        }
        (l, c) => *l = c.clone(),
    }
}

fn overlaps(a: &[String], b: &[String]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// Applies `config` as `manager` onto `live` (`None`: the object does not exist yet) and
/// returns the object to store, or a 409 Conflict naming every conflicting field.
pub(crate) fn apply(
    live: Option<&Value>,
    mut config: Value,
    manager: &str,
    force: bool,
    names: (&str, &str, &str),
) -> Result<Value, ApiError> {
    let (group, plural, name) = names;
    if let Some(map) = config.as_object_mut() {
        map.remove("status");
    }
    if let Some(meta) = config.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in SERVER_META
            .iter()
            .filter(|f| !matches!(**f, "name" | "namespace"))
        {
            meta.remove(*field);
        }
    }
    let api_version = config["apiVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let applied = leaf_paths(&config);
    let Some(live) = live else {
        let mut obj = config;
        let entry = Entry {
            manager: manager.into(),
            operation: "Apply".into(),
            api_version,
            time: now_rfc3339(),
            fields: applied,
        };
        write_entries(&mut obj, vec![entry]);
        return Ok(obj);
    };
    let mut entries = read_entries(live);
    let is_mine = |e: &Entry| e.manager == manager && e.operation == "Apply";
    let mut conflicts: Vec<(String, FieldPath)> = Vec::new();
    for e in entries.iter().filter(|e| !is_mine(e)) {
        for p in &applied {
            if e.fields.iter().any(|q| overlaps(p, q))
                && get_path(live, p) != get_path(&config, p)
                && !conflicts.iter().any(|(m, cp)| *m == e.manager && cp == p)
            {
                conflicts.push((e.manager.clone(), p.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !force {
        return Err(conflict_error(
            group,
            plural,
            name,
            &api_version,
            &conflicts,
            &entries,
        ));
    }
    for (_, p) in &conflicts {
        for e in entries.iter_mut().filter(|e| !is_mine(e)) {
            e.fields.retain(|q| !overlaps(p, q));
        }
    }
    let mut obj = live.clone();
    let previously: BTreeSet<FieldPath> = entries
        .iter()
        .filter(|e| is_mine(e))
        .flat_map(|e| e.fields.iter().cloned())
        .collect();
    for p in previously.difference(&applied) {
        let owned_by_others = entries
            .iter()
            .filter(|e| !is_mine(e))
            .any(|e| e.fields.iter().any(|q| overlaps(p, q)));
        if !owned_by_others {
            remove_path(&mut obj, p);
        }
    }
    merge(&mut obj, &config);
    let mine = Entry {
        manager: manager.into(),
        operation: "Apply".into(),
        api_version,
        time: now_rfc3339(),
        fields: applied,
    };
    match entries.iter().position(is_mine) {
        Some(i) => entries[i] = mine,
        None => entries.push(mine),
    }
    write_entries(&mut obj, entries);
    Ok(obj)
}

fn conflict_error(
    group: &str,
    plural: &str,
    name: &str,
    api_version: &str,
    conflicts: &[(String, FieldPath)],
    entries: &[Entry],
) -> ApiError {
    let using = |m: &str| {
        entries
            .iter()
            .find(|e| e.manager == m)
            .map(|e| e.api_version.clone())
            .unwrap_or_else(|| api_version.to_string())
    };
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(m, p)| {
            json!({
                "reason": "FieldManagerConflict",
                "message": format!("conflict with \"{m}\" using {}", using(m)),
                "field": format!(".{}", p.join(".")),
            })
        })
        .collect();
    let lines: Vec<String> = conflicts
        .iter()
        .map(|(m, p)| {
            format!(
                "- conflict with \"{m}\" using {}: .{}",
                using(m),
                p.join(".")
            )
        })
        .collect();
    let n = conflicts.len();
    let message = if n == 1 {
        format!(
            "Apply failed with 1 conflict: conflict with \"{}\" using {}: .{}",
            conflicts[0].0,
            using(&conflicts[0].0),
            conflicts[0].1.join(".")
        )
    } else {
        format!("Apply failed with {n} conflicts: {}", lines.join("\n"))
    };
    let mut e = ApiError::new(409, "Conflict", message);
    e.details = Some(json!({"name": name, "group": group, "kind": plural, "causes": causes}));
    e
}

/// Records a non-apply write by `manager`: it takes ownership of every field whose value
/// differs between `old` and `new`.
pub(crate) fn record_update(old: Option<&Value>, new: &mut Value, manager: &str) {
    let mut entries = old.map(read_entries).unwrap_or_default();
    let changed: BTreeSet<FieldPath> = leaf_paths(new)
        .into_iter()
        .filter(|p| old.and_then(|o| get_path(o, p)) != get_path(new, p))
        .collect();
    if changed.is_empty() {
        write_entries(new, entries);
        return;
    }
    for e in entries.iter_mut() {
        e.fields.retain(|q| !changed.iter().any(|p| overlaps(p, q)));
    }
    let api_version = new["apiVersion"].as_str().unwrap_or_default().to_string();
    match entries
        .iter_mut()
        .find(|e| e.manager == manager && e.operation == "Update")
    {
        Some(e) => {
            e.fields.extend(changed);
            e.time = now_rfc3339();
        }
        None => entries.push(Entry {
            manager: manager.into(),
            operation: "Update".into(),
            api_version,
            time: now_rfc3339(),
            fields: changed,
        }),
    }
    write_entries(new, entries);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy(replicas: i64, image: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "c", "image": image}]}}}})
    }

    const N: (&str, &str, &str) = ("apps", "deployments", "web");

    #[test]
    fn fields_v1_round_trips() {
        let paths = leaf_paths(&deploy(1, "a"));
        assert_eq!(from_fields_v1(&to_fields_v1(&paths)), paths);
    }

    #[test]
    fn conflict_then_force() {
        let live = apply(None, deploy(1, "a"), "alice", false, N).unwrap();
        let err = apply(Some(&live), deploy(2, "a"), "bob", false, N).unwrap_err();
        assert_eq!((err.code, err.reason), (409, "Conflict"));
        assert!(err.message.contains(".spec.replicas"), "{}", err.message);
        // Same values: shared, no conflict.
        apply(Some(&live), deploy(1, "a"), "bob", false, N).unwrap();
        let forced = apply(Some(&live), deploy(2, "a"), "bob", true, N).unwrap();
        assert_eq!(forced["spec"]["replicas"], 2);
        // alice no longer owns replicas: she can drop it without removing bob's value.
        let mut cfg = deploy(1, "a");
        cfg["spec"].as_object_mut().unwrap().remove("replicas");
        let after = apply(Some(&forced), cfg, "alice", false, N).unwrap();
        assert_eq!(after["spec"]["replicas"], 2);
    }

    #[test]
    fn dropped_fields_are_removed() {
        let mut cfg = deploy(1, "a");
        cfg["metadata"]["labels"] = json!({"tier": "web"});
        let live = apply(None, cfg, "alice", false, N).unwrap();
        let after = apply(Some(&live), deploy(1, "a"), "alice", false, N).unwrap();
        assert!(
            after["metadata"]
                .get("labels")
                .is_none_or(|l| l.get("tier").is_none())
        );
    }
}
