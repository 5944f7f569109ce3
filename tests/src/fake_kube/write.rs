//! Writes to existing objects and server-side apply: PUT, merge/strategic PATCH, apply
//! PATCH; `resourceVersion` preconditions; field managers; body decoding.

use serde_json::Value;

use super::api::{Target, existing};
use super::apply::{apply, record_update};
use super::http::Request;
use super::patch::{merge_patch, strategic_patch};
use super::status::ApiError;
use super::store::Store;
use super::subresource::{view, with_replicas, with_status};

pub(crate) fn patch(
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
pub(crate) fn write(
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
    let stored = store.update(&t.info, &t.ns, &old, new, dry_run)?;
    Ok((200, view(t, &stored)))
}

pub(crate) fn server_side_apply(
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
            Ok((200, store.update(&t.info, &t.ns, &old, new, dry_run)?))
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
pub(crate) fn manager(req: &Request) -> String {
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
pub(crate) fn parse_body(req: &Request) -> Result<Value, ApiError> {
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
