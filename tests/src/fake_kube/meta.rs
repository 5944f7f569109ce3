//! Object identity and metadata: `apiVersion`/`kind` checks against the endpoint, access to
//! `metadata`, and what counts as "the same object" for no-op writes.

use serde_json::{Map, Value, json};

use super::discovery::ResourceInfo;
use super::status::ApiError;

/// An object without the bookkeeping a no-op write may change.
pub(crate) fn essence(obj: &Value) -> Value {
    let mut obj = obj.clone();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
        if let Some(Value::Array(entries)) = meta.get_mut("managedFields") {
            for e in entries.iter_mut().filter_map(Value::as_object_mut) {
                e.remove("time");
            }
        }
    }
    obj
}

/// Checks (or fills in) `apiVersion` and `kind` against the endpoint's resource.
pub(crate) fn check_type(info: &ResourceInfo, obj: &mut Value) -> Result<(), ApiError> {
    let Some(map) = obj.as_object_mut() else {
        return Err(ApiError::bad_request("the body is not a JSON/YAML object"));
    };
    let kind = map
        .entry("kind")
        .or_insert_with(|| info.kind.clone().into());
    if kind.as_str() != Some(&info.kind) {
        return Err(ApiError::bad_request(format!(
            "the kind {kind} does not match the endpoint's kind {:?}",
            info.kind
        )));
    }
    let api_version = map
        .entry("apiVersion")
        .or_insert_with(|| info.api_version().into());
    let group = api_version
        .as_str()
        .map(|v| v.rsplit_once('/').map(|(g, _)| g).unwrap_or(""));
    if group != Some(&info.group) {
        return Err(ApiError::bad_request(format!(
            "the apiVersion {api_version} does not match the endpoint's group {:?}",
            info.group
        )));
    }
    Ok(())
}

/// `obj.metadata` as a map, created if missing; 400 when it is not an object.
pub(crate) fn metadata(obj: &mut Value) -> Result<&mut Map<String, Value>, ApiError> {
    let Some(map) = obj.as_object_mut() else {
        return Err(ApiError::bad_request("the body is not a JSON/YAML object"));
    };
    map.entry("metadata")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| ApiError::bad_request("metadata must be an object"))
}
