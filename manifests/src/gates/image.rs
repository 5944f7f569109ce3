//! `image-pinned`: images name a version (no `latest`, no missing tag); a digest is best.

use serde_json::Value;

use super::pod_spec::ALL_CONTAINERS;
use super::run::{Obj, Sink};

/// An image reference split into its parts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Everything before the tag/digest (`registry/repo/name`).
    pub name: &'a str,
    /// The tag, if any.
    pub tag: Option<&'a str>,
    /// The digest, if any.
    pub digest: Option<&'a str>,
}

/// Splits `registry:5000/repo/name:tag@sha256:…`.
pub(crate) fn split(image: &str) -> ImageRef<'_> {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(i) => ImageRef {
            name: &rest[..last_slash + i],
            tag: Some(&rest[last_slash + i + 1..]),
            digest,
        },
        None => ImageRef {
            name: rest,
            tag: None,
            digest,
        },
    }
}

pub(crate) fn check(obj: &Obj<'_>, require_digest: bool, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(ALL_CONTAINERS) {
        let Some(image) = c.value.get("image").and_then(Value::as_str) else {
            sink.emit(
                format!("{} has no image", c.describe()),
                format!(
                    "set {}.image to a pinned image, e.g. nginx:1.27.2",
                    c.path()
                ),
            );
            continue;
        };
        let r = split(image);
        if r.digest.is_some() {
            continue;
        }
        let problem = match r.tag {
            None => "has no tag (which means `latest`)",
            Some("latest") => "uses the `latest` tag",
            Some("") => "has an empty tag",
            Some(_) if require_digest => "is not pinned to a digest",
            Some(_) => continue,
        };
        sink.emit(
            format!("{} image `{image}` {problem}", c.describe()),
            format!(
                "set {}.image: {}:<version> (or pin the digest: {}@sha256:<digest>)",
                c.path(),
                r.name,
                r.name
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_image_references() {
        let r = split("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(
            (r.name, r.tag, r.digest),
            ("localhost:5000/team/app", Some("1.2"), Some("sha256:abc"))
        );
        let r = split("localhost:5000/app");
        assert_eq!((r.name, r.tag), ("localhost:5000/app", None));
        let r = split("nginx");
        assert_eq!((r.name, r.tag), ("nginx", None));
    }
}
