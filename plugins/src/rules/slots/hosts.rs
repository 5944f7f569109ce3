//! Ingress hosts (`shop.example.com`) and paths (`/api`), and HTTP health paths
//! (`health check /healthz`).

use std::sync::LazyLock;

use regex::Regex;

use crate::rules::text::Words;

static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z]$")
        .expect("host regex")
});

/// Whether `s` is a DNS host name with a letter TLD.
pub fn is_host(s: &str) -> bool {
    s.len() <= 253 && HOST.is_match(s)
}

/// `health check /healthz`, `healthz at /ready`, `probe /live`; marks the words.
pub fn health_path(w: &mut Words) -> Option<String> {
    for i in w.indices() {
        let low = w.low(i);
        if !matches!(
            low,
            "healthcheck" | "health" | "probe" | "probes" | "readiness" | "liveness"
        ) {
            continue;
        }
        for j in i + 1..(i + 4).min(w.len()) {
            if w.raw(j).starts_with('/') && !w.used(j) {
                let path = w.raw(j).to_owned();
                w.mark(i..j + 1);
                return Some(path);
            }
        }
    }
    None
}

/// Hosts and paths; marks the words.
pub fn extract(w: &mut Words) -> (Vec<String>, Vec<String>) {
    let (mut hosts, mut paths) = (Vec::new(), Vec::new());
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let low = w
            .low(i)
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        let (host, path) = match low.split_once('/') {
            Some((h, p)) if !h.is_empty() => (h, Some(format!("/{p}"))),
            _ => (low, None),
        };
        if is_host(host) {
            hosts.push(host.to_owned());
            if let Some(p) = path.filter(|p| p != "/") {
                paths.push(p);
            }
            w.mark(i..i + 1);
        } else if w.raw(i).starts_with('/') && !w.raw(i).contains("//") {
            paths.push(w.raw(i).to_owned());
            w.mark(i..i + 1);
        }
    }
    (hosts, paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_paths() {
        let (h, p) = extract(&mut Words::new("for blog.example.org sending / to blog"));
        assert_eq!(h, ["blog.example.org"]);
        assert_eq!(p, ["/"]);
        let (h, p) = extract(&mut Words::new("route https://shop.example.com/cart there"));
        assert_eq!(h, ["shop.example.com"]);
        assert_eq!(p, ["/cart"]);
        assert!(!is_host("1.25.5"));
        assert_eq!(
            health_path(&mut Words::new("health check on /healthz")).as_deref(),
            Some("/healthz")
        );
    }
}
