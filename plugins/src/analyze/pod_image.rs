//! Image pulls that fail: the image does not exist, the registry refuses the credentials, or
//! the registry cannot be reached — told apart from the kubelet's messages.

use k8s_openapi::api::core::v1::{Event, Pod};

use super::finding::{Finding, ObjectRef, Severity};
use super::{docs, events};

/// Why a pull fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullFailure {
    /// The image or tag does not exist.
    NotFound,
    /// The registry wants credentials it did not get (or refused them).
    Unauthorized,
    /// The registry could not be reached (DNS, network, TLS, timeouts).
    Unreachable,
    /// The image reference is malformed.
    InvalidName,
    /// Something else; the message says what.
    Other,
}

/// Classifies pull failure messages (the waiting message and the `Failed` events).
pub fn classify<'m>(messages: impl IntoIterator<Item = &'m str>) -> PullFailure {
    let text = messages
        .into_iter()
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("\n");
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    if has(&[
        "invalidimagename",
        "invalid reference format",
        "couldn't parse image",
    ]) {
        PullFailure::InvalidName
    } else if has(&[
        "unauthorized",
        "authentication required",
        "authorization failed",
        "403 forbidden",
        "401 unauthorized",
        "denied: ",
        "no basic auth credentials",
    ]) {
        PullFailure::Unauthorized
    } else if has(&[
        "not found",
        "manifest unknown",
        "name unknown",
        "does not exist",
        "repository does not exist",
    ]) {
        PullFailure::NotFound
    } else if has(&[
        "no such host",
        "i/o timeout",
        "connection refused",
        "network is unreachable",
        "tls handshake timeout",
        "context deadline exceeded",
        "dial tcp",
        "x509:",
        "server gave http response to https client",
    ]) {
        PullFailure::Unreachable
    } else {
        PullFailure::Other
    }
}

/// The finding for a container whose image cannot be pulled.
pub fn finding(
    object: &ObjectRef,
    pod: &Pod,
    container: &str,
    reason: &str,
    message: &str,
    own_events: &[&Event],
    source: String,
) -> Finding {
    let image = pod
        .spec
        .iter()
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .find(|c| c.name == container)
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    let failed: Vec<&Event> = own_events
        .iter()
        .copied()
        .filter(|e| events::reason(e) == "Failed")
        .collect();
    let kind = if reason == "InvalidImageName" {
        PullFailure::InvalidName
    } else {
        classify(std::iter::once(message).chain(failed.iter().map(|e| events::message(e))))
    };
    let has_pull_secret = pod
        .spec
        .as_ref()
        .and_then(|s| s.image_pull_secrets.as_ref())
        .is_some_and(|s| !s.is_empty());
    let cause = match kind {
        PullFailure::NotFound => format!(
            "The image {image} does not exist in its registry: the name or the tag is wrong, \
             or the tag was never pushed. Check the spelling and that the tag exists."
        ),
        PullFailure::Unauthorized => format!(
            "The registry refuses to serve {image} without valid credentials: the image is \
             private and the pod {}. Add an imagePullSecret (on the pod or its service \
             account) with credentials for that registry.",
            if has_pull_secret {
                "has an imagePullSecret that the registry does not accept (wrong registry, \
                 expired token)"
            } else {
                "has no imagePullSecret"
            }
        ),
        PullFailure::Unreachable => format!(
            "The node cannot reach the registry of {image} (DNS, firewall, proxy or TLS): \
             the image may well exist. Check the registry host name and the nodes' network \
             access to it."
        ),
        PullFailure::InvalidName => {
            format!("The image reference {image:?} is malformed; fix the image field.")
        }
        PullFailure::Other => format!(
            "The kubelet cannot pull {image}; the message below says why. The kubelet retries \
             with a growing back-off."
        ),
    };
    let what = match kind {
        PullFailure::NotFound => "not found",
        PullFailure::Unauthorized => "unauthorized",
        PullFailure::Unreachable => "registry unreachable",
        PullFailure::InvalidName => "invalid name",
        PullFailure::Other => "pull failed",
    };
    let mut f = Finding::new(
        "pod.image-pull",
        Severity::Error,
        object.clone(),
        format!(
            "Image {image} of container {container} in pod {} cannot be pulled ({what})",
            object.name
        ),
        cause,
        docs::IMAGES,
    );
    let quoted = if message.is_empty() {
        reason.to_owned()
    } else {
        format!("{reason}: {message}")
    };
    f = f.evidence(source, quoted);
    f.with_evidence(events::quoted(&failed, &["Failed"], 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_failures_are_told_apart() {
        let cases = [
            (
                "rpc error: code = NotFound desc = failed to pull and unpack image \
                 \"docker.io/library/ngnix:1.27\": docker.io/library/ngnix:1.27: not found",
                PullFailure::NotFound,
            ),
            (
                "failed to resolve reference \"ghcr.io/acme/api:1\": failed to authorize: \
                 failed to fetch anonymous token: 401 Unauthorized",
                PullFailure::Unauthorized,
            ),
            (
                "dial tcp: lookup registry.internal on 10.96.0.10:53: no such host",
                PullFailure::Unreachable,
            ),
            (
                "Get \"https://10.0.0.5:5000/v2/\": dial tcp 10.0.0.5:5000: i/o timeout",
                PullFailure::Unreachable,
            ),
            ("Back-off pulling image \"x\"", PullFailure::Other),
        ];
        for (msg, want) in cases {
            assert_eq!(classify([msg]), want, "{msg}");
        }
    }
}
