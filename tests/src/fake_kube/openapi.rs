//! A skeletal `/openapi/v3`: the index and one document per group/version, with a path item
//! per resource whose operations carry `x-kubernetes-group-version-kind`, the query
//! parameters (`dryRun`, `fieldManager`, `fieldValidation`, `force`) and the patch media types.
//!
//! That is exactly what kubectl 1.37 reads before `apply`: it checks that the PATCH operation
//! of the kind accepts `fieldValidation` (then validates server-side instead of downloading
//! `/openapi/v2`) and whether it accepts strategic merge patch. `components.schemas` holds the
//! schemas of every kind served (see [`components`](super::components)), as shipmate's live
//! schema validation reads them.

use serde_json::{Map, Value, json};

use super::discovery::{self, ResourceInfo};
use super::store::Store;

/// `/openapi/v3`: the group/version index.
pub(crate) fn index(catalogue: &[ResourceInfo]) -> Value {
    let mut paths = Map::new();
    for r in catalogue {
        let key = gv_path(r);
        paths.entry(key.clone()).or_insert_with(|| {
            json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash=fake{}", catalogue.len())})
        });
    }
    json!({"paths": paths})
}

/// `api/v1` or `apis/apps/v1`.
fn gv_path(r: &ResourceInfo) -> String {
    if r.group.is_empty() {
        format!("api/{}", r.version)
    } else {
        format!("apis/{}/{}", r.group, r.version)
    }
}

/// `/openapi/v3/api/v1` or `/openapi/v3/apis/GROUP/VERSION`, if served.
pub(crate) fn document(store: &Store, gv: &str) -> Option<Value> {
    let catalogue = store.catalogue();
    let served: Vec<&ResourceInfo> = catalogue.iter().filter(|r| gv_path(r) == gv).collect();
    if served.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let schemas = super::components::schemas(store, &served);
    let builtin = discovery::builtin();
    for r in &served {
        let gvk = json!({"group": r.group, "version": r.version, "kind": r.kind});
        let custom = !builtin.contains(*r);
        let mut media = vec![
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml",
        ];
        if !custom {
            media.push("application/strategic-merge-patch+json");
        }
        let content: Map<String, Value> = media
            .iter()
            .map(|m| (m.to_string(), json!({"schema": {"type": "object"}})))
            .collect();
        let param = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": true}});
        let op = |action: &str| {
            json!({
                "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk,
                "parameters": [param("dryRun"), param("fieldManager"), param("fieldValidation"), param("force")],
                "responses": {"200": {"description": "OK"}},
            })
        };
        let mut patch = op("patch");
        patch["requestBody"] = json!({"content": content, "required": true});
        let item =
            json!({"get": op("get"), "put": op("put"), "patch": patch, "delete": op("delete")});
        let base = format!("/{}", gv);
        let path = if r.namespaced {
            format!("{base}/namespaces/{{namespace}}/{}/{{name}}", r.plural)
        } else {
            format!("{base}/{}/{{name}}", r.plural)
        };
        paths.insert(path, item);
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.37.0-fake"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}
