//! `SelfSubjectAccessReview`: the "may I?" question any authenticated client can ask
//! (`kubectl auth can-i`). The fake has no RBAC; everything is allowed except what a test
//! denies with [`FakeCluster::deny`](super::FakeCluster::deny).

use serde_json::{Value, json};

use super::http::Request;
use super::status::ApiError;
use super::write::parse_body;

/// A verb on a resource (a plural) that a test denied, in every namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Denial {
    pub verb: String,
    pub resource: String,
}

/// Answers a POST of a `SelfSubjectAccessReview`: the review back with `status.allowed`.
pub(crate) fn review(denied: &[Denial], req: &Request) -> Result<(u16, Value), ApiError> {
    if req.method != "POST" {
        return Err(ApiError::new(
            405,
            "MethodNotAllowed",
            "selfsubjectaccessreviews only support create",
        ));
    }
    let mut body = parse_body(req)?;
    let attrs = &body["spec"]["resourceAttributes"];
    let (Some(verb), Some(resource)) = (attrs["verb"].as_str(), attrs["resource"].as_str()) else {
        return Err(ApiError::new(
            422,
            "Invalid",
            "spec.resourceAttributes.verb and .resource are required",
        ));
    };
    let refused = denied
        .iter()
        .any(|d| d.verb == verb && d.resource == resource);
    body["status"] = if refused {
        json!({"allowed": false, "reason": "denied by the fake API server's test setup"})
    } else {
        json!({"allowed": true, "reason": "the fake API server allows everything"})
    };
    Ok((201, body))
}
