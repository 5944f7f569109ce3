//! Request routing for discovery, OpenAPI and resource endpoints, and the verbs that read,
//! create and delete (get, list, create, delete, deletecollection); writes to existing
//! objects are in `write.rs`.

use serde_json::{Value, json};

use super::apply::record_update;
use super::discovery::{self, ResourceInfo};
use super::http::Request;
use super::openapi;
use super::selector::{Selector, field_matches};
use super::status::{ApiError, success};
use super::store::Store;
use super::subresource::{view, with_replicas, with_status};
use super::write::{manager, parse_body, patch, write};

/// What a request addresses below `/api/v1` or `/apis/G/V`.
pub(crate) struct Target {
    pub info: ResourceInfo,
    /// Namespace from the path; empty for cluster-scoped or all-namespaces requests.
    pub ns: String,
    /// Object name, if addressed.
    pub name: Option<String>,
    /// Subresource (`scale`, `status`), if addressed.
    pub sub: Option<String>,
}

/// Answers one authenticated request: `(status code, JSON body)`.
pub(crate) fn handle(store: &mut Store, req: &Request) -> Result<(u16, Value), ApiError> {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let catalogue = store.catalogue();
    let not_found = || {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    };
    let discovery_doc = |doc: Option<Value>| doc.map(|d| (200, d)).ok_or_else(not_found);
    match segs.as_slice() {
        ["version"] => Ok((200, discovery::version())),
        ["healthz" | "livez" | "readyz"] => Ok((200, json!("ok"))),
        ["api"] => Ok((200, discovery::core_versions())),
        ["apis"] => Ok((200, discovery::group_list(&catalogue))),
        ["openapi", "v3"] => Ok((200, openapi::index(&catalogue))),
        ["openapi", "v3", gv @ ..] => discovery_doc(openapi::document(store, &gv.join("/"))),
        ["api", "v1"] => discovery_doc(discovery::resource_list(&catalogue, "", "v1")),
        ["apis", g] => discovery_doc(discovery::group(&catalogue, g)),
        ["apis", g, v] => discovery_doc(discovery::resource_list(&catalogue, g, v)),
        [
            "apis",
            "authorization.k8s.io",
            "v1",
            "selfsubjectaccessreviews",
        ] => super::access::review(&store.denied, req),
        ["api", "v1", rest @ ..] => {
            let target = resolve(store, "", "v1", rest).ok_or_else(not_found)?;
            serve(store, req, target)
        }
        ["apis", g, v, rest @ ..] => {
            let target = resolve(store, g, v, rest).ok_or_else(not_found)?;
            serve(store, req, target)
        }
        _ => Err(not_found()),
    }
}

/// The resource target of a path under `/api/v1` or `/apis/G/V`, if it names one.
pub(crate) fn resolve_path(store: &Store, path: &str) -> Option<Target> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["api", "v1", rest @ ..] if !rest.is_empty() => resolve(store, "", "v1", rest),
        ["apis", g, v, rest @ ..] if !rest.is_empty() => resolve(store, g, v, rest),
        _ => None,
    }
}

fn resolve(store: &Store, group: &str, version: &str, rest: &[&str]) -> Option<Target> {
    let owned = |s: Option<&&str>| s.map(|s| s.to_string());
    if let ["namespaces", ns, plural, tail @ ..] = rest
        && let Some(info) = store.find_versioned(group, version, plural)
    {
        if !info.namespaced || tail.len() > 2 {
            return None;
        }
        return Some(Target {
            info,
            ns: ns.to_string(),
            name: owned(tail.first()),
            sub: owned(tail.get(1)),
        });
    }
    let [plural, tail @ ..] = rest else {
        return None;
    };
    let info = store.find_versioned(group, version, plural)?;
    if tail.len() > 2 || (info.namespaced && !tail.is_empty()) {
        return None;
    }
    Some(Target {
        info,
        ns: String::new(),
        name: owned(tail.first()),
        sub: owned(tail.get(1)),
    })
}

fn serve(store: &mut Store, req: &Request, t: Target) -> Result<(u16, Value), ApiError> {
    let dry_run = req.param("dryRun").is_some_and(|v| !v.is_empty())
        || (req.method == "DELETE" && delete_options_dry_run(req));
    if let Some(sub) = t.sub.as_deref()
        && !(sub == "status"
            || (sub == "scale" && t.info.scale)
            || (sub == "log" && t.info.plural == "pods" && t.info.group.is_empty()))
    {
        return Err(ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ));
    }
    match (req.method.as_str(), t.name.as_deref()) {
        ("GET", None) => list(store, req, &t),
        ("GET", Some(name)) if t.sub.as_deref() == Some("log") => {
            let pod = existing(store, &t, name)?;
            Ok((200, Value::String(pod_log(pod, req)?)))
        }
        ("GET", Some(name)) => {
            let obj = existing(store, &t, name)?;
            Ok((200, view(&t, obj)))
        }
        ("POST", None) if t.info.namespaced && t.ns.is_empty() => Err(ApiError::new(
            405,
            "MethodNotAllowed",
            "create needs a namespace in the path",
        )),
        ("POST", None) => {
            let body = parse_body(req)?;
            if dry_run {
                store.check_namespace(&t.info, &t.ns)?;
                let mut obj = store.prepare_create(&t.info, &t.ns, body)?;
                record_update(None, &mut obj, &manager(req));
                return Ok((201, obj));
            }
            let mut obj = store.prepare_create(&t.info, &t.ns, body)?;
            record_update(None, &mut obj, &manager(req));
            Ok((201, store.create(&t.info, &t.ns, obj)?))
        }
        ("PUT", Some(name)) => {
            let body = parse_body(req)?;
            write(store, req, &t, name, dry_run, |old| {
                match t.sub.as_deref() {
                    Some("scale") => Ok(with_replicas(old, &body)),
                    Some(_) => Ok(with_status(old, &body)),
                    None => Ok(body),
                }
            })
        }
        ("PATCH", Some(name)) => patch(store, req, &t, name, dry_run),
        ("DELETE", Some(name)) => {
            let obj = existing(store, &t, name)?.clone();
            if !dry_run {
                store.remove(&t.info, &t.ns, name);
            }
            Ok((
                200,
                success(&t.info.group, &t.info.plural, name, &obj["metadata"]["uid"]),
            ))
        }
        ("DELETE", None) => {
            let (_, list) = list(store, req, &t)?;
            if !dry_run {
                for item in list["items"].as_array().into_iter().flatten() {
                    let ns = item["metadata"]["namespace"].as_str().unwrap_or_default();
                    let name = item["metadata"]["name"].as_str().unwrap_or_default();
                    store.remove(&t.info, ns, name);
                }
            }
            Ok((200, list))
        }
        _ => Err(ApiError::new(
            405,
            "MethodNotAllowed",
            format!(
                "the server does not allow this method on the requested resource: {}",
                req.method
            ),
        )),
    }
}

fn list(store: &Store, req: &Request, t: &Target) -> Result<(u16, Value), ApiError> {
    if req.param("watch").is_some_and(|w| w == "true" || w == "1") {
        return Err(ApiError::new(
            405,
            "MethodNotAllowed",
            "watch is not supported by the fake API server",
        ));
    }
    let labels = Selector::parse(req.param("labelSelector").unwrap_or(""))
        .map_err(|e| ApiError::bad_request(format!("unable to parse requirement: {e}")))?;
    let fields = req.param("fieldSelector").unwrap_or("");
    let ns = (!t.ns.is_empty()).then_some(t.ns.as_str());
    let after = req.param("continue").filter(|c| !c.is_empty());
    let after = after
        .map(|c| decode_continue(c).ok_or_else(|| ApiError::bad_request("invalid continue token")))
        .transpose()?;
    // Only the page is cloned: a paginated list of thousands of objects costs one page per
    // request, not everything after the token.
    let limit = req
        .param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0);
    let mut items: Vec<Value> = Vec::new();
    let mut rest = 0usize;
    let matching = store
        .list(&t.info, ns)
        .into_iter()
        .filter(|o| labels.matches(&o["metadata"]["labels"]) && field_matches(fields, o))
        .filter(|o| after.as_ref().is_none_or(|a| &list_key(o) > a));
    for o in matching {
        if limit.is_some_and(|l| items.len() >= l) {
            rest += 1;
        } else {
            items.push(o.clone());
        }
    }
    let mut metadata = json!({"resourceVersion": store.revision().to_string()});
    if rest > 0 {
        let last = items.last().map(list_key).unwrap_or_default();
        metadata["continue"] = encode_continue(&last).into();
        // Like the real server: no count when selectors filter the list.
        if req.param("labelSelector").is_none_or(str::is_empty) && fields.is_empty() {
            metadata["remainingItemCount"] = rest.into();
        }
    }
    Ok((
        200,
        json!({
            "kind": format!("{}List", t.info.kind), "apiVersion": t.info.api_version(),
            "metadata": metadata, "items": items,
        }),
    ))
}

/// Where a list page ends: `namespace/name` (the store's order).
fn list_key(o: &Value) -> (String, String) {
    let m = &o["metadata"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (s(&m["namespace"]), s(&m["name"]))
}

/// An opaque (hex) `continue` token naming the last item of a page.
fn encode_continue((ns, name): &(String, String)) -> String {
    format!("{ns}/{name}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_continue(token: &str) -> Option<(String, String)> {
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let text = String::from_utf8(bytes).ok()?;
    let (ns, name) = text.split_once('/')?;
    Some((ns.to_string(), name.to_string()))
}

/// Whether a DELETE carries `DeleteOptions` in its body with `dryRun: ["All"]` (client-go and
/// kube-rs send delete options in the body rather than the query).
fn delete_options_dry_run(req: &Request) -> bool {
    serde_json::from_slice::<Value>(&req.body).is_ok_and(|o| {
        o["dryRun"]
            .as_array()
            .is_some_and(|d| d.iter().any(|v| v == "All"))
    })
}

/// The annotation whose value a pod's `log` subresource returns (the fake has no kubelet).
/// `LOG_ANNOTATION.CONTAINER` holds the log of one container of a multi-container pod, and
/// [`PREVIOUS_LOG_ANNOTATION`] (`.CONTAINER`) the log of the previous, terminated instance.
pub const LOG_ANNOTATION: &str = "fake-kube.shipmate.test/log";

/// The annotation holding the log that `previous=true` returns; see [`LOG_ANNOTATION`].
pub const PREVIOUS_LOG_ANNOTATION: &str = "fake-kube.shipmate.test/previous-log";

/// A pod's log as the kubelet would serve it: the container named by `container` (required
/// when the pod has several, as the real server requires), its previous instance with
/// `previous=true`, optionally only the last `tailLines` lines.
fn pod_log(pod: &Value, req: &Request) -> Result<String, ApiError> {
    let pod_name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let containers: Vec<&str> = ["initContainers", "containers"]
        .iter()
        .flat_map(|k| pod["spec"][k].as_array().into_iter().flatten())
        .filter_map(|c| c["name"].as_str())
        .collect();
    let container = match req.param("container").filter(|c| !c.is_empty()) {
        Some(c) if containers.contains(&c) || containers.is_empty() => c,
        Some(c) => {
            return Err(ApiError::bad_request(format!(
                "container {c} is not valid for pod {pod_name}"
            )));
        }
        None if pod["spec"]["containers"]
            .as_array()
            .is_some_and(|c| c.len() > 1) =>
        {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {pod_name}, choose one of: [{}]",
                containers.join(" ")
            )));
        }
        None => containers.first().copied().unwrap_or_default(),
    };
    let previous = req.param("previous").is_some_and(|p| p == "true");
    let base = if previous {
        PREVIOUS_LOG_ANNOTATION
    } else {
        LOG_ANNOTATION
    };
    let annotations = &pod["metadata"]["annotations"];
    let log = annotations[format!("{base}.{container}")]
        .as_str()
        .or_else(|| annotations[base].as_str());
    let log = match (log, previous) {
        (Some(log), _) => log,
        (None, false) => "",
        (None, true) => {
            return Err(ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{pod_name}\" not found"
            )));
        }
    };
    let Some(n) = req.param("tailLines").and_then(|t| t.parse::<usize>().ok()) else {
        return Ok(log.to_string());
    };
    let lines: Vec<&str> = log.lines().collect();
    let mut out = lines[lines.len().saturating_sub(n)..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

pub(crate) fn existing<'a>(
    store: &'a Store,
    t: &Target,
    name: &str,
) -> Result<&'a Value, ApiError> {
    if t.info.namespaced && t.ns.is_empty() {
        return Err(ApiError::not_found(&t.info.group, &t.info.plural, name));
    }
    store
        .get(&t.info, &t.ns, name)
        .ok_or_else(|| ApiError::not_found(&t.info.group, &t.info.plural, name))
}
