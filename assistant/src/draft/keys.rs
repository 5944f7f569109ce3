//! Names in a drafted chart: values keys made from object names, the chart name, and the labels
//! the chart's helpers own.

use std::collections::BTreeSet;

/// Labels the chart's `_helpers.tpl` sets on every object (`<chart>.labels`); an input object's
/// own value for one of these keys is dropped so the helper's value is the only one.
pub const CHART_LABELS: &[&str] = &[
    "helm.sh/chart",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/part-of",
];

/// Top-level keys of `values.yaml` that are not workloads.
pub const GROUPS: &[&str] = &[
    "configMaps",
    "secrets",
    "services",
    "nameOverride",
    "fullnameOverride",
];

/// `python-api` → `pythonApi`: a key usable as `.Values.pythonApi` (letters and digits, starting
/// with a letter).
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if out.is_empty() && c.is_ascii_digit() {
                out.push('x');
            }
            if upper && !out.is_empty() {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() { "x".into() } else { out }
}

/// Hands out keys that are unique within one map of values.
#[derive(Debug, Default)]
pub struct Keys {
    used: BTreeSet<String>,
}

impl Keys {
    /// A key set in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Keys {
        Keys {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The camel-case key for `name`; `kind` (then a number) is appended on a clash.
    pub fn take(&mut self, name: &str, kind: &str) -> String {
        let base = camel(name);
        let mut key = base.clone();
        if self.used.contains(&key) {
            key = format!("{base}{kind}");
        }
        let mut n = 2;
        while self.used.contains(&key) {
            key = format!("{base}{kind}{n}");
            n += 1;
        }
        self.used.insert(key.clone());
        key
    }
}

/// Checks a chart name (lowercase letters, digits and `-`, starting with a letter, at most 53
/// characters so release-prefixed names stay under 63).
pub fn chart_name(name: &str) -> Result<(), String> {
    let ok = (1..=53).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid chart name: use lowercase letters, digits and `-`, \
             starting with a letter, at most 53 characters"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_template_safe_keys() {
        assert_eq!(camel("python-api"), "pythonApi");
        assert_eq!(camel("db.credentials"), "dbCredentials");
        assert_eq!(camel("web"), "web");
        assert_eq!(camel("2048-game"), "x2048Game");
        assert_eq!(camel("---"), "x");
    }

    #[test]
    fn clashing_keys_get_the_kind_then_a_number() {
        let mut keys = Keys::with_reserved(GROUPS);
        assert_eq!(keys.take("api", "Deployment"), "api");
        assert_eq!(keys.take("api", "StatefulSet"), "apiStatefulSet");
        assert_eq!(keys.take("api", "StatefulSet"), "apiStatefulSet2");
        assert_eq!(keys.take("secrets", "Deployment"), "secretsDeployment");
    }

    #[test]
    fn chart_names_are_checked() {
        assert!(chart_name("shop-app").is_ok());
        for bad in ["", "Shop", "1app", "a_b", "app-", &"a".repeat(54)] {
            assert!(
                chart_name(bad).unwrap_err().contains("lowercase letters"),
                "{bad}"
            );
        }
    }
}
