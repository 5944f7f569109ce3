//! Label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`) and the
//! field selectors kubectl relies on (`metadata.name`, `metadata.namespace`; others ignored).

use serde_json::Value;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

/// A parsed label selector; empty matches everything.
#[derive(Debug, Clone, Default)]
pub(crate) struct Selector(Vec<Req>);

impl Selector {
    /// Parses a selector; `Err` names the requirement that could not be parsed.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut reqs = Vec::new();
        for part in split_top_level(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let req = if let Some((k, v)) = part.split_once("!=") {
                Req::NotEq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some(k) = part.strip_prefix('!') {
                Req::NotExists(k.trim().into())
            } else if let Some((k, set)) = part.split_once(" notin ") {
                Req::NotIn(k.trim().into(), parse_set(set)?)
            } else if let Some((k, set)) = part.split_once(" in ") {
                Req::In(k.trim().into(), parse_set(set)?)
            } else if part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                Req::Exists(part.into())
            } else {
                return Err(part.to_string());
            };
            reqs.push(req);
        }
        Ok(Selector(reqs))
    }

    /// Whether `labels` (a JSON map or null) satisfies every requirement.
    pub fn matches(&self, labels: &Value) -> bool {
        let get = |k: &str| labels.get(k).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => get(k) == Some(v),
            Req::NotEq(k, v) => get(k) != Some(v),
            Req::Exists(k) => get(k).is_some(),
            Req::NotExists(k) => get(k).is_none(),
            Req::In(k, set) => get(k).is_some_and(|v| set.iter().any(|s| s == v)),
            Req::NotIn(k, set) => get(k).is_none_or(|v| !set.iter().any(|s| s == v)),
        })
    }
}

fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn parse_set(s: &str) -> Result<Vec<String>, String> {
    let inner = s
        .trim()
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| s.to_string())?;
    Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
}

/// Whether `obj` passes every term of a field selector (`=`, `==`, `!=`) on a dotted field
/// (`metadata.name`, `involvedObject.uid`, `status.phase`); a missing field compares as "".
pub(crate) fn field_matches(selector: &str, obj: &Value) -> bool {
    selector.split(',').filter(|t| !t.is_empty()).all(|term| {
        let (key, want, equal) = match term.split_once("!=") {
            Some((k, v)) => (k, v, false),
            None => match term.split_once("==").or_else(|| term.split_once('=')) {
                Some((k, v)) => (k, v, true),
                None => return true,
            },
        };
        // Any dotted field of the object: the real server supports metadata.name/namespace
        // everywhere and per kind a few more (involvedObject.* and reason/type for events,
        // spec.nodeName and status.phase for pods); a superset is enough for a fake.
        let pointer = format!("/{}", key.trim().replace('.', "/"));
        let value = match obj.pointer(&pointer) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        (value == want.trim()) == equal
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let labels = json!({"app": "web", "tier": "front"});
        for (sel, want) in [
            ("", true),
            ("app=web", true),
            ("app==web,tier=front", true),
            ("app!=web", false),
            ("tier", true),
            ("!tier", false),
            ("app in (api, web)", true),
            ("app notin (web)", false),
        ] {
            assert_eq!(
                Selector::parse(sel).unwrap().matches(&labels),
                want,
                "{sel}"
            );
        }
        assert!(Selector::parse("a in x").is_err());
    }

    #[test]
    fn field_selectors() {
        let obj = json!({"metadata": {"name": "web", "namespace": "default"}});
        assert!(field_matches("metadata.name=web", &obj));
        assert!(!field_matches("metadata.name!=web", &obj));
        assert!(!field_matches("status.phase=Running", &obj));
        assert!(field_matches("status.phase!=Running", &obj));
        let event = json!({"involvedObject": {"kind": "Pod", "name": "api-0"}, "count": 3});
        assert!(field_matches(
            "involvedObject.kind=Pod,involvedObject.name=api-0",
            &event
        ));
        assert!(!field_matches("involvedObject.name=api-1", &event));
        assert!(field_matches("count=3", &event));
    }
}
