//! Request routing for discovery and resource endpoints, and the verbs on resources: get,
//! list, create, update (PUT), patch (apply, merge, strategic), delete, deletecollection,
//! plus the `scale` and `status` subresources.

use serde_json::{Value, json};

use super::apply::{apply, record_update};
use super::discovery::{self, ResourceInfo};
use super::http::Request;
use super::openapi;
use super::patch::{merge_patch, strategic_patch};
use super::selector::{Selector, field_matches};
use super::status::{ApiError, success};
use super::store::Store;

/// What a request addresses below `/api/v1` or `/apis/G/V`.
struct Target {
    info: ResourceInfo,
    /// Namespace from the path; empty for cluster-scoped or all-namespaces requests.
    ns: String,
    name: Option<String>,
    sub: Option<String>,
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
    let dry_run = req.param("dryRun").is_some_and(|v| !v.is_empty());
    if let Some(sub) = t.sub.as_deref()
        && !(sub == "status" || (sub == "scale" && t.info.scale))
    {
        return Err(ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ));
    }
    match (req.method.as_str(), t.name.as_deref()) {
        ("GET", None) => list(store, req, &t),
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
    let items: Vec<Value> = store
        .list(&t.info, ns)
        .into_iter()
        .filter(|o| labels.matches(&o["metadata"]["labels"]) && field_matches(fields, o))
        .cloned()
        .collect();
    Ok((
        200,
        json!({
            "kind": format!("{}List", t.info.kind), "apiVersion": t.info.api_version(),
            "metadata": {"resourceVersion": store.revision().to_string()}, "items": items,
        }),
    ))
}

fn existing<'a>(store: &'a Store, t: &Target, name: &str) -> Result<&'a Value, ApiError> {
    if t.info.namespaced && t.ns.is_empty() {
        return Err(ApiError::not_found(&t.info.group, &t.info.plural, name));
    }
    store
        .get(&t.info, &t.ns, name)
        .ok_or_else(|| ApiError::not_found(&t.info.group, &t.info.plural, name))
}

/// The object, or its `Scale` view for the scale subresource.
fn view(t: &Target, obj: &Value) -> Value {
    if t.sub.as_deref() != Some("scale") {
        return obj.clone();
    }
    let m = &obj["metadata"];
    let replicas = obj["spec"]["replicas"].as_i64().unwrap_or(1);
    let selector = obj["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|l| {
            l.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": m["name"], "namespace": m["namespace"], "uid": m["uid"],
                     "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"]},
        "spec": {"replicas": replicas},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    })
}

fn with_replicas(old: &Value, scale: &Value) -> Value {
    let mut new = old.clone();
    if let Some(r) = scale["spec"]["replicas"].as_i64() {
        new["spec"]["replicas"] = r.into();
    }
    new
}

fn with_status(old: &Value, body: &Value) -> Value {
    let mut new = old.clone();
    new["status"] = body["status"].clone();
    new
}

fn patch(
    store: &mut Store,
    req: &Request,
    t: &Target,
    name: &str,
    dry_run: bool,
) -> Result<(u16, Value), ApiError> {
    let content_type = req
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let body = parse_body(req)?;
    if content_type.starts_with("application/apply-patch") {
        return server_side_apply(store, req, t, name, dry_run, body);
    }
    let strategic = content_type.starts_with("application/strategic-merge-patch+json");
    if !strategic && !content_type.starts_with("application/merge-patch+json") {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got {content_type:?})"
            ),
        ));
    }
    let apply_patch = |target: &mut Value| {
        if strategic {
            strategic_patch(target, &body)
        } else {
            merge_patch(target, &body)
        }
    };
    write(store, req, t, name, dry_run, |old| {
        let mut view = view(t, old);
        apply_patch(&mut view);
        Ok(match t.sub.as_deref() {
            Some("scale") => with_replicas(old, &view),
            Some(_) => with_status(old, &view),
            None => view,
        })
    })
}

/// A non-apply write of an existing object: `change` maps the old object to the new one.
fn write(
    store: &mut Store,
    req: &Request,
    t: &Target,
    name: &str,
    dry_run: bool,
    change: impl FnOnce(&Value) -> Result<Value, ApiError>,
) -> Result<(u16, Value), ApiError> {
    let old = existing(store, t, name)?.clone();
    let mut new = change(&old)?;
    check_resource_version(&old, &new, t, name)?;
    if new["metadata"]["name"].as_str().is_some_and(|n| n != name) {
        return Err(ApiError::bad_request(
            "the name of the object does not match the name in the URL",
        ));
    }
    if t.sub.is_none() {
        new["apiVersion"] = old["apiVersion"].clone();
        new["kind"] = old["kind"].clone();
    }
    let mut new = store.prepare_update(&old, new)?;
    record_update(Some(&old), &mut new, &manager(req));
    let stored = if dry_run {
        new
    } else {
        store.insert(&t.info, &t.ns, new)?
    };
    Ok((200, view(t, &stored)))
}

fn server_side_apply(
    store: &mut Store,
    req: &Request,
    t: &Target,
    name: &str,
    dry_run: bool,
    body: Value,
) -> Result<(u16, Value), ApiError> {
    if t.sub.is_some() {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            "apply to subresources is not supported by the fake API server",
        ));
    }
    let Some(manager) = req.param("fieldManager").filter(|m| !m.is_empty()) else {
        return Err(ApiError::bad_request(
            "PATCH, application/apply-patch+yaml: fieldManager is required for apply requests",
        ));
    };
    if body["metadata"]["name"].as_str() != Some(name) {
        return Err(ApiError::bad_request(
            "the name of the object does not match the name in the URL",
        ));
    }
    if body["kind"].as_str() != Some(&t.info.kind) || body["apiVersion"].as_str().is_none() {
        return Err(ApiError::bad_request(format!(
            "apply needs apiVersion and kind {:?} in the body",
            t.info.kind
        )));
    }
    let force = req.param("force").is_some_and(|f| f == "true");
    let names = (t.info.group.as_str(), t.info.plural.as_str(), name);
    match store.get(&t.info, &t.ns, name).cloned() {
        None => {
            store.check_namespace(&t.info, &t.ns)?;
            let obj = apply(None, body, manager, force, names)?;
            let obj = store.prepare_create(&t.info, &t.ns, obj)?;
            let stored = if dry_run {
                obj
            } else {
                store.create(&t.info, &t.ns, obj)?
            };
            Ok((201, stored))
        }
        Some(old) => {
            check_resource_version(&old, &body, t, name)?;
            let new = apply(Some(&old), body, manager, force, names)?;
            let new = store.prepare_update(&old, new)?;
            let stored = if dry_run {
                new
            } else {
                store.insert(&t.info, &t.ns, new)?
            };
            Ok((200, stored))
        }
    }
}

fn check_resource_version(
    old: &Value,
    new: &Value,
    t: &Target,
    name: &str,
) -> Result<(), ApiError> {
    match new["metadata"]["resourceVersion"].as_str() {
        Some(rv) if !rv.is_empty() && Some(rv) != old["metadata"]["resourceVersion"].as_str() => {
            Err(ApiError::stale(&t.info.group, &t.info.plural, name))
        }
        _ => Ok(()),
    }
}

/// The field manager of a non-apply write: `fieldManager`, else the User-Agent's program
/// name (as the API server derives it), else `unknown`.
fn manager(req: &Request) -> String {
    if let Some(m) = req.param("fieldManager").filter(|m| !m.is_empty()) {
        return m.to_string();
    }
    req.header("user-agent")
        .and_then(|ua| ua.split('/').next())
        .filter(|m| !m.is_empty())
        .unwrap_or("unknown")
        .to_string()
}

/// The request body as JSON (or, failing that, YAML); 415 for protobuf, 400 when unparseable.
fn parse_body(req: &Request) -> Result<Value, ApiError> {
    if req
        .header("content-type")
        .is_some_and(|c| c.contains("protobuf"))
    {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            "protobuf bodies are not supported by the fake API server; send JSON",
        ));
    }
    if let Ok(v) = serde_json::from_slice::<Value>(&req.body) {
        return object(v);
    }
    let text = std::str::from_utf8(&req.body)
        .map_err(|_| ApiError::bad_request("the request body is neither JSON nor UTF-8 YAML"))?;
    let v: Value = serde_saphyr::from_str(text).map_err(|e| {
        ApiError::bad_request(format!("the request body is neither JSON nor YAML: {e}"))
    })?;
    object(v)
}

fn object(v: Value) -> Result<Value, ApiError> {
    if v.is_object() {
        Ok(v)
    } else {
        Err(ApiError::bad_request("the request body must be an object"))
    }
}
