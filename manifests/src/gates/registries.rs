//! `allowed-registries`: images come from the registries the constitution lists (when it lists
//! any).

use serde_json::Value;

use super::image::split;
use super::pod_spec::ALL_CONTAINERS;
use super::run::{Obj, Sink};

/// The fully qualified repository of an image name (`nginx` → `docker.io/library/nginx`).
pub(crate) fn qualified(name: &str) -> String {
    let first = name.split('/').next().unwrap_or("");
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_registry {
        name.to_owned()
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    }
}

/// True when `image` is under one of `allowed` (a registry host or a repository prefix).
pub(crate) fn allowed(image: &str, allowed: &[String]) -> bool {
    let full = qualified(split(image).name);
    allowed.iter().any(|a| {
        let a = a.trim_end_matches('/');
        full == a || (full.starts_with(a) && full.as_bytes().get(a.len()) == Some(&b'/'))
    })
}

pub(crate) fn check(obj: &Obj<'_>, registries: &[String], sink: &mut Sink<'_>) {
    if registries.is_empty() {
        return;
    }
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(ALL_CONTAINERS) {
        let Some(image) = c.value.get("image").and_then(Value::as_str) else {
            continue;
        };
        if !allowed(image, registries) {
            sink.emit(
                format!(
                    "{} image `{image}` is not from an allowed registry ({})",
                    c.describe(),
                    registries.join(", ")
                ),
                format!(
                    "set {}.image to an image under {} (mirror it there if needed)",
                    c.path(),
                    registries.join(" or ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_registry_prefixes() {
        let list = vec!["ghcr.io/acme".to_owned(), "docker.io/library".to_owned()];
        assert!(allowed("ghcr.io/acme/web:1", &list));
        assert!(!allowed("ghcr.io/acmex/web:1", &list));
        assert!(allowed("nginx:1.27", &list));
        assert!(!allowed("bitnami/redis:7", &list));
        assert!(!allowed("quay.io/acme/web", &list));
    }
}
