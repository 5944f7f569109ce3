//! Image references: `nginx:1.27`, `ghcr.io/acme/api:1.4.2`, `repo/app@sha256:…`; bare names
//! (`nginx`) only right after a word that announces an image (`image`, `using`, `running`,
//! `deploy`, `run`).

use std::sync::LazyLock;

use regex::Regex;

use crate::rules::text::Words;
use crate::rules::vocab::{STOPWORDS, resource};

/// The reference grammar of the distribution spec (lower-case repository, optional registry
/// port, tag and digest).
static IMAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$",
    )
    .expect("image regex")
});

/// Words after which the next word is an image.
const ANNOUNCE: &[&str] = &[
    "image",
    "using",
    "running",
    "runs",
    "run",
    "deploy",
    "from",
    "with",
    "of",
    "container",
];

/// Whether `raw` is a syntactically valid image reference.
pub fn is_image_ref(raw: &str) -> bool {
    raw.len() <= 512 && IMAGE.is_match(raw)
}

/// Whether `raw` is unmistakably an image (has a tag or digest, or a registry/repository path).
fn unmistakable(raw: &str) -> bool {
    if !is_image_ref(raw) || raw.starts_with('/') {
        return false;
    }
    if raw.contains('@') {
        return true;
    }
    match raw.rsplit_once(':') {
        // `8080:80`, `6:30`: numbers on both sides are ports or times; `redis:7` needs an
        // announcing word.
        Some((repo, tag)) => {
            !repo.chars().all(|c| c.is_ascii_digit()) && !tag.chars().all(|c| c.is_ascii_digit())
                || repo.contains('/')
        }
        None => raw.contains('/') && raw.split('/').count() >= 2 && !raw.ends_with('/'),
    }
}

/// Extracts the image; marks the word (and the announcing word).
pub fn extract(w: &mut Words) -> Option<String> {
    for i in w.indices() {
        if w.used(i) || w.tok(i).is_some_and(|t| t.raw.contains('=')) {
            continue;
        }
        if unmistakable(w.raw(i)) && !looks_like_host_path(w.raw(i)) {
            w.mark(i..i + 1);
            return Some(w.raw(i).to_owned());
        }
    }
    for i in w.indices() {
        if w.used(i) || !ANNOUNCE.contains(&w.low(i)) {
            continue;
        }
        let mut j = i + 1;
        if w.low(j) == "image" || (w.low(j) == "the" && w.low(j + 1) == "image") {
            j += if w.low(j) == "the" { 2 } else { 1 };
        }
        let raw = w.raw(j);
        let strong =
            matches!(w.low(i), "image" | "using" | "running" | "runs") || w.low(j - 1) == "image";
        let weak_ok = raw.contains(':') && !raw.starts_with(|c: char| c.is_ascii_digit());
        // `deploy NAME` is an image only when `deploy` is the request's verb, not the
        // kubectl alias (`rollback deploy api`).
        let deploy_is_verb =
            w.low(i) == "deploy" && (i == 0 || !crate::rules::intent::is_verb_word(w.low(i - 1)));
        if !w.used(j)
            && (strong || weak_ok || (deploy_is_verb && !raw.is_empty()))
            && is_image_ref(raw)
            && !STOPWORDS.contains(&w.low(j))
            && resource(w.low(j)).is_none()
            && raw.parse::<f64>().is_err()
            && !crate::rules::intent::is_verb_word(w.low(j))
        {
            w.mark(j..j + 1);
            if strong || w.low(i) != "deploy" {
                w.mark(i..i + 1);
            }
            return Some(raw.to_owned());
        }
    }
    None
}

/// `shop.example.com/api` is a host and a path, not an image.
fn looks_like_host_path(raw: &str) -> bool {
    let Some((first, rest)) = raw.split_once('/') else {
        return false;
    };
    let tld = first.rsplit('.').next().unwrap_or("");
    first.contains('.')
        && !raw.contains(':')
        && !raw.contains('@')
        && matches!(
            tld,
            "com" | "org" | "net" | "dev" | "app" | "local" | "internal"
        )
        && rest.split('/').count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(text: &str) -> Option<String> {
        extract(&mut Words::new(text))
    }

    #[test]
    fn references() {
        assert_eq!(
            image("deploy nginx:1.25.5 now").as_deref(),
            Some("nginx:1.25.5")
        );
        assert_eq!(
            image("with docker.io/library/elasticsearch:8.15.0, 3 replicas").as_deref(),
            Some("docker.io/library/elasticsearch:8.15.0")
        );
        assert_eq!(
            image("using curlimages/curl").as_deref(),
            Some("curlimages/curl")
        );
        assert_eq!(image("running redis:7").as_deref(), Some("redis:7"));
        assert_eq!(image("image busybox please").as_deref(), Some("busybox"));
        assert_eq!(image("forward 8080:80").as_deref(), None);
        assert_eq!(image("every day at 6:30").as_deref(), None);
        assert_eq!(image("route shop.example.com/api to x").as_deref(), None);
        assert_eq!(image("scale web to 3").as_deref(), None);
        let digest = format!("app@sha256:{}", "a".repeat(64));
        assert_eq!(image(&format!("deploy {digest}")), Some(digest));
    }
}
