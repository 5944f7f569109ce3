//! Names in the manual fallback: the directory (`<UTC time>-<slug of the summary>`) and the
//! files (`NN-kind-name.yaml`, NN being the apply order). Every name is built from a small
//! alphabet (`a-z 0-9 . -`), so no manifest can name a path outside the directory.

use serde_json::Value;

/// Longest slug taken from a summary.
const MAX_SLUG: usize = 48;

/// Lower-case ASCII letters and digits; every other run of characters becomes one `-`;
/// at most `max` characters, cut at a `-` when possible; `fallback` when nothing is left.
pub fn slug(text: &str, max: usize, fallback: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || (c == '.' && !out.is_empty() && !out.ends_with('.')) {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    if out.len() > max {
        out.truncate(max);
        if let Some(cut) = out.rfind('-').filter(|&i| i >= max / 2) {
            out.truncate(cut);
        }
    }
    let out = out.trim_matches(['-', '.']).to_owned();
    if out.is_empty() {
        fallback.to_owned()
    } else {
        out
    }
}

/// The directory name for a proposal: `20261126-081200-scale-deployment-web-to-5`.
pub fn directory(time: &str, summary: &str) -> String {
    format!("{time}-{}", slug(summary, MAX_SLUG, "proposal"))
}

/// The file name of the manifest at 0-based apply position `pos` of `count`:
/// `01-deployment-web.yaml`. Numbers are zero-padded to at least two digits, and to as many as
/// `count` needs, so that a directory listing (and `kubectl apply -f DIR`) keeps the order.
pub fn file(pos: usize, count: usize, manifest: &Value) -> String {
    let width = count.to_string().len().max(2);
    let kind = manifest.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = manifest
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    format!(
        "{:0width$}-{}-{}.yaml",
        pos + 1,
        slug(kind, 40, "object"),
        slug(name, 80, "unnamed")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Scale deployment web to 5 replicas", 48, "p"),
            "scale-deployment-web-to-5-replicas"
        );
        assert_eq!(slug("  ../../etc/passwd ", 48, "p"), "etc-passwd");
        assert_eq!(slug("Überfluß ☃", 48, "p"), "berflu");
        assert_eq!(slug("☃☃", 48, "p"), "p");
        assert_eq!(slug("nginx:1.27.1", 48, "p"), "nginx-1.27.1");
        let long = slug(&"word ".repeat(40), 48, "p");
        assert!(long.len() <= 48 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn file_names_follow_the_apply_position() {
        let m = json!({"kind": "Deployment", "metadata": {"name": "web"}});
        assert_eq!(file(0, 2, &m), "01-deployment-web.yaml");
        assert_eq!(file(9, 150, &m), "010-deployment-web.yaml");
        let odd = json!({"kind": "Secret", "metadata": {"name": "../x"}});
        assert_eq!(file(1, 2, &odd), "02-secret-x.yaml");
        assert_eq!(file(0, 1, &json!({})), "01-object-unnamed.yaml");
    }

    #[test]
    fn directory_names() {
        assert_eq!(
            directory("20261126-081200", "Create Secret db"),
            "20261126-081200-create-secret-db"
        );
    }
}
