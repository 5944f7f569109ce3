//! JSON merge patch (RFC 7386) and the subset of strategic merge patch that kubectl's
//! everyday commands send (`scale`, `annotate`, `label`, `rollout restart`, `cordon`,
//! `set image`, client-side `apply`): map merges, `null` deletes, lists of objects that carry
//! a `name` merged by name, and the `$patch`/`$setElementOrder`/`$retainKeys` directives
//! honoured or skipped.

use serde_json::{Map, Value};

/// Applies an RFC 7386 merge patch.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().expect("just made an object");
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// Applies a strategic merge patch (the common subset, see the module doc).
pub(crate) fn strategic_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut replaced = p.clone();
        replaced.remove("$patch");
        *target = Value::Object(replaced);
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().expect("just made an object");
    for (k, v) in p {
        if k.starts_with('$') {
            continue; // $setElementOrder/…, $retainKeys, $deleteFromPrimitiveList/…
        }
        match v {
            Value::Null => {
                t.remove(k);
            }
            Value::Array(items) if is_keyed(items) => {
                let current = t.entry(k.clone()).or_insert(Value::Array(Vec::new()));
                merge_keyed(current, items);
            }
            _ => strategic_patch(t.entry(k.clone()).or_insert(Value::Null), v),
        }
    }
}

/// Whether every element is an object with a string `name` (the merge key of containers,
/// ports, volumes, env, …).
fn is_keyed(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| i.get("name").is_some_and(Value::is_string))
}

fn merge_keyed(current: &mut Value, items: &[Value]) {
    if !current.is_array() {
        *current = Value::Array(Vec::new());
    }
    let list = current.as_array_mut().expect("just made an array");
    for item in items {
        let name = &item["name"];
        let pos = list.iter().position(|e| e.get("name") == Some(name));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                list.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => strategic_patch(&mut list[i], item),
            (None, false) => {
                let mut fresh = Value::Object(Map::new());
                strategic_patch(&mut fresh, item);
                list.push(fresh);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_rfc7386() {
        let mut t = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut t, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(t, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn strategic_merges_containers_by_name() {
        let mut t = json!({"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:1"}]}});
        strategic_patch(
            &mut t,
            &json!({"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                              "containers": [{"name": "b", "image": "y:2"}]}}),
        );
        assert_eq!(t["spec"]["containers"][1]["image"], "y:2");
        assert_eq!(t["spec"]["containers"][0]["image"], "x:1");
        strategic_patch(
            &mut t,
            &json!({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}),
        );
        assert_eq!(t["spec"]["containers"].as_array().unwrap().len(), 1);
    }
}
