//! CPU and memory requests/limits; what a request leaves open comes from the constitution's
//! resource defaults.

use serde_json::{Map, Value, json};

pub use crate::gates::ResourceDefaults;

/// Requests and limits asked for explicitly; missing ones come from [`ResourceDefaults`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// CPU request (`250m`).
    pub cpu_request: Option<String>,
    /// Memory request (`256Mi`).
    pub memory_request: Option<String>,
    /// CPU limit.
    pub cpu_limit: Option<String>,
    /// Memory limit.
    pub memory_limit: Option<String>,
}

impl Resources {
    /// The `resources` block: explicit values win; a default request never exceeds an explicit
    /// limit, and a default limit never falls below an explicit request.
    pub fn to_json(&self, defaults: &ResourceDefaults) -> Value {
        let (cpu_req, cpu_lim) = pair(
            &self.cpu_request,
            &self.cpu_limit,
            &defaults.requests.cpu,
            &defaults.limits.cpu,
        );
        let (mem_req, mem_lim) = pair(
            &self.memory_request,
            &self.memory_limit,
            &defaults.requests.memory,
            &defaults.limits.memory,
        );
        let mut requests = Map::new();
        requests.insert("cpu".into(), json!(cpu_req));
        requests.insert("memory".into(), json!(mem_req));
        let mut limits = Map::new();
        limits.insert("cpu".into(), json!(cpu_lim));
        limits.insert("memory".into(), json!(mem_lim));
        json!({ "requests": requests, "limits": limits })
    }
}

fn pair(req: &Option<String>, lim: &Option<String>, dreq: &str, dlim: &str) -> (String, String) {
    match (req, lim) {
        (Some(r), Some(l)) => (r.clone(), l.clone()),
        (Some(r), None) => {
            let l = if quantity(r) > quantity(dlim) {
                r
            } else {
                dlim
            };
            (r.clone(), l.to_owned())
        }
        (None, Some(l)) => {
            let r = if quantity(dreq) > quantity(l) {
                l
            } else {
                dreq
            };
            (r.to_owned(), l.clone())
        }
        (None, None) => (dreq.to_owned(), dlim.to_owned()),
    }
}

/// The numeric value of a Kubernetes quantity (`250m` → 0.25, `1Gi` → 1073741824); 0 when it
/// cannot be read.
pub fn quantity(text: &str) -> f64 {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (num, unit) = text.split_at(split);
    let n: f64 = num.parse().unwrap_or(0.0);
    let factor = match unit {
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => 1.0,
    };
    n * factor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_bend_around_explicit_values() {
        let r = Resources {
            cpu_limit: Some("50m".into()),
            memory_request: Some("1Gi".into()),
            ..Resources::default()
        };
        let v = r.to_json(&ResourceDefaults::default());
        assert_eq!(v["requests"]["cpu"], "50m");
        assert_eq!(v["limits"]["cpu"], "50m");
        assert_eq!(v["requests"]["memory"], "1Gi");
        assert_eq!(v["limits"]["memory"], "1Gi");
        assert!(quantity("250m") < quantity("1"));
    }
}
