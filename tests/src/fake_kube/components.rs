//! `components.schemas` of the `/openapi/v3/…` group-version documents, in the API server's
//! wire shape: schemas named `io.k8s.api.apps.v1.Deployment`, references as
//! `$ref: "#/components/schemas/…"`, wrapped as `allOf: [{$ref}]` when a `description` sits
//! next to them, `x-kubernetes-group-version-kind` on the top-level kinds, and `IntOrString` /
//! `Quantity` as the server renders them in v3 (`oneOf` of their two types).
//!
//! Built-in kinds come from `k8s-openapi`'s `schemars` implementations (generated from the
//! upstream OpenAPI, so the fields are the real ones), rendered with `schemars`' OpenAPI 3
//! settings. Custom resources come from their stored CRD's `openAPIV3Schema`, with `apiVersion`,
//! `kind` and `metadata` added as the apiextensions server publishes them.

use k8s_openapi::api::{
    apps, autoscaling, batch, core, discovery, networking, policy, rbac, storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use super::discovery::ResourceInfo;
use super::store::Store;

/// The component schemas describing `served` (all of one group-version): each kind and every
/// type it refers to.
pub(crate) fn schemas(store: &Store, served: &[&ResourceInfo]) -> Map<String, Value> {
    let mut generator = SchemaGenerator::new(SchemaSettings::openapi3());
    let mut kinds = Vec::new();
    let mut custom = Map::new();
    for r in served {
        let gvk = json!([{"group": r.group, "version": r.version, "kind": r.kind}]);
        if let Some(schema) = builtin(&mut generator, r) {
            let name = schema
                .get("$ref")
                .and_then(Value::as_str)
                .map(|s| s.trim_start_matches("#/components/schemas/").to_string());
            kinds.extend(name.map(|n| (n, gvk)));
        } else if let Some(mut schema) = crd_schema(store, r) {
            schema["x-kubernetes-group-version-kind"] = gvk;
            let metadata = generator.subschema_for::<ObjectMeta>().to_value();
            if let Some(props) = schema
                .as_object_mut()
                .map(|m| m.entry("properties").or_insert_with(|| json!({})))
                .and_then(Value::as_object_mut)
            {
                props.insert("apiVersion".into(), json!({"type": "string"}));
                props.insert("kind".into(), json!({"type": "string"}));
                props.insert("metadata".into(), json!({"allOf": [metadata]}));
            }
            let reversed: Vec<&str> = r.group.split('.').rev().collect();
            let name = format!("{}.{}.{}", reversed.join("."), r.version, r.kind);
            custom.insert(name, schema);
        }
    }
    let mut schemas = generator.take_definitions(true);
    for (name, gvk) in kinds {
        if let Some(schema) = schemas.get_mut(&name) {
            schema["x-kubernetes-group-version-kind"] = gvk;
        }
    }
    for (name, schema) in schemas.iter_mut() {
        match name.as_str() {
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => {
                *schema = json!({"format": "int-or-string", "oneOf": [{"type": "integer"}, {"type": "string"}]});
            }
            "io.k8s.apimachinery.pkg.api.resource.Quantity" => {
                *schema = json!({"oneOf": [{"type": "string"}, {"type": "number"}]});
            }
            _ => {}
        }
    }
    schemas.extend(custom);
    schemas
}

/// The schema (a `$ref`) of a built-in kind the fake serves; `None` for custom resources.
fn builtin(generator: &mut SchemaGenerator, r: &ResourceInfo) -> Option<Value> {
    fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
    let generate: fn(&mut SchemaGenerator) -> Schema =
        match (r.api_version().as_str(), r.kind.as_str()) {
            ("v1", "Namespace") => of::<core::v1::Namespace>,
            ("v1", "Pod") => of::<core::v1::Pod>,
            ("v1", "Service") => of::<core::v1::Service>,
            ("v1", "ConfigMap") => of::<core::v1::ConfigMap>,
            ("v1", "Secret") => of::<core::v1::Secret>,
            ("v1", "ServiceAccount") => of::<core::v1::ServiceAccount>,
            ("v1", "PersistentVolumeClaim") => of::<core::v1::PersistentVolumeClaim>,
            ("v1", "PersistentVolume") => of::<core::v1::PersistentVolume>,
            ("v1", "Node") => of::<core::v1::Node>,
            ("v1", "Event") => of::<core::v1::Event>,
            ("v1", "Endpoints") => of::<core::v1::Endpoints>,
            ("v1", "ReplicationController") => of::<core::v1::ReplicationController>,
            ("v1", "ResourceQuota") => of::<core::v1::ResourceQuota>,
            ("discovery.k8s.io/v1", "EndpointSlice") => of::<discovery::v1::EndpointSlice>,
            ("storage.k8s.io/v1", "StorageClass") => of::<storage::v1::StorageClass>,
            ("networking.k8s.io/v1", "IngressClass") => of::<networking::v1::IngressClass>,
            ("apps/v1", "Deployment") => of::<apps::v1::Deployment>,
            ("apps/v1", "StatefulSet") => of::<apps::v1::StatefulSet>,
            ("apps/v1", "DaemonSet") => of::<apps::v1::DaemonSet>,
            ("apps/v1", "ReplicaSet") => of::<apps::v1::ReplicaSet>,
            ("batch/v1", "Job") => of::<batch::v1::Job>,
            ("batch/v1", "CronJob") => of::<batch::v1::CronJob>,
            ("networking.k8s.io/v1", "Ingress") => of::<networking::v1::Ingress>,
            ("networking.k8s.io/v1", "NetworkPolicy") => of::<networking::v1::NetworkPolicy>,
            ("autoscaling/v2", "HorizontalPodAutoscaler") => {
                of::<autoscaling::v2::HorizontalPodAutoscaler>
            }
            ("policy/v1", "PodDisruptionBudget") => of::<policy::v1::PodDisruptionBudget>,
            ("rbac.authorization.k8s.io/v1", "Role") => of::<rbac::v1::Role>,
            ("rbac.authorization.k8s.io/v1", "RoleBinding") => of::<rbac::v1::RoleBinding>,
            ("rbac.authorization.k8s.io/v1", "ClusterRole") => of::<rbac::v1::ClusterRole>,
            ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding") => {
                of::<rbac::v1::ClusterRoleBinding>
            }
            ("apiextensions.k8s.io/v1", "CustomResourceDefinition") => {
                of::<apiextensions::CustomResourceDefinition>
            }
            _ => return None,
        };
    Some(generate(generator).to_value())
}

/// The `openAPIV3Schema` of a custom resource's version, from its stored CRD.
fn crd_schema(store: &Store, r: &ResourceInfo) -> Option<Value> {
    let crds = store.find("apiextensions.k8s.io", "customresourcedefinitions")?;
    let crd = store.get(&crds, "", &format!("{}.{}", r.plural, r.group))?;
    crd["spec"]["versions"]
        .as_array()?
        .iter()
        .find(|v| v["name"] == r.version.as_str())
        .map(|v| v["schema"]["openAPIV3Schema"].clone())
        .filter(Value::is_object)
}
