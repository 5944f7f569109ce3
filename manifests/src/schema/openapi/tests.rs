//! OpenAPI v3 documents → strict schemas: references and `allOf` wrappers, closing, the
//! Kubernetes idioms, precedence over the bundled kinds, CRD documents, and errors.

use serde_json::{Value, json};

use crate::schema::{OpenApiError, SchemaError, SchemaSet, SchemaVerdict};

/// A trimmed `/openapi/v3/apis/apps/v1` in the real wire shape, whose `DeploymentSpec` has a
/// `futureField` that the bundled schema lacks.
fn apps_v1() -> Value {
    serde_json::from_str(include_str!("apps_v1.json")).unwrap()
}

fn live() -> SchemaSet {
    let mut set = SchemaSet::bundled();
    assert_eq!(set.add_openapi_v3("apps/v1", &apps_v1()).unwrap(), 2);
    set
}

fn deployment(spec: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "creationTimestamp": null}, "spec": spec})
}

fn template() -> Value {
    json!({"metadata": {"labels": {"app": "web"}},
           "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                    "resources": {"requests": {"cpu": 0.5, "memory": "64Mi"}, "limits": {"cpu": "1"}}}]}})
}

#[test]
fn typo_is_caught_through_all_of_wrappers_with_a_hint() {
    let set = live();
    let (verdict, errors) = set.validate(&deployment(json!({
        "replica": 3, "selector": {"matchLabels": {"app": "web"}}, "template": template()
    })));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![SchemaError {
            path: "spec.replica".into(),
            message: "unknown field `replica` (did you mean `replicas`?)".into()
        }]
    );
    let (_, errors) = set.validate(&deployment(json!({
        "selector": {}, "template": {"spec": {"containers": [{"name": "web", "imag": "x"}]}}
    })));
    assert_eq!(errors[0].path, "spec.template.spec.containers[0].imag");
    assert!(
        errors[0].message.contains("did you mean `image`"),
        "{errors:?}"
    );
}

#[test]
fn quirks_int_or_string_quantity_and_nulls_are_accepted() {
    let set = live();
    for surge in [json!(1), json!("25%")] {
        let object = deployment(json!({
            "replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template(),
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxSurge": surge, "maxUnavailable": 0}},
        }));
        assert_eq!(set.validate(&object), (SchemaVerdict::Valid, Vec::new()));
    }
    let (verdict, errors) = set.validate(&deployment(json!({
        "selector": {}, "template": template(), "strategy": {"rollingUpdate": {"maxSurge": true}}
    })));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(errors[0].path, "spec.strategy.rollingUpdate.maxSurge");
}

#[test]
fn live_kinds_override_bundled_and_others_fall_back() {
    let object = deployment(json!({"futureField": true, "selector": {}, "template": template()}));
    let (verdict, errors) = SchemaSet::bundled().validate(&object);
    assert_eq!(
        verdict,
        SchemaVerdict::Invalid,
        "bundled 1.37 has no futureField"
    );
    assert_eq!(errors[0].path, "spec.futureField");

    let set = live();
    assert_eq!(set.validate(&object).0, SchemaVerdict::Valid);
    // v1 was not fetched: ConfigMap is still checked, strictly, against the bundled schema.
    let (verdict, errors) = set.validate(&json!({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "datta": {}
    }));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors[0].message,
        "unknown field `datta` (did you mean `data`?)"
    );
}

#[test]
fn compiles_lazily_per_kind_and_ignores_other_group_versions() {
    let set = live();
    assert_eq!(set.compiled_count(), 0);
    assert!(set.knows("apps/v1", "DeleteOptions"));
    assert!(
        !set.knows("batch/v1", "DeleteOptions"),
        "listed, but not this document's"
    );
    set.validate(&deployment(json!({"selector": {}, "template": template()})));
    assert_eq!(set.compiled_count(), 1);
}

/// `/openapi/v3/apis/example.com/v1` as the API server publishes a CRD: the CRD's
/// `openAPIV3Schema` with `metadata` pointing at `ObjectMeta`, and the group-version-kind.
fn widget_document() -> Value {
    json!({"openapi": "3.0.0", "components": {"schemas": {
        "com.example.v1.Widget": {
            "type": "object",
            "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}],
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]},
                "spec": {"type": "object", "required": ["size"], "properties": {
                    "size": {"type": "integer"},
                    "port": {"x-kubernetes-int-or-string": true,
                             "anyOf": [{"type": "integer"}, {"type": "string"}]},
                    "default": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]},
                    "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                    "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                                 "properties": {"spec": {"type": "object"}}},
                }},
            },
        },
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
            "type": "object", "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}},
        },
    }}})
}

#[test]
fn crd_document_validates_custom_resources_strictly() {
    let mut set = SchemaSet::bundled();
    assert!(!set.knows("example.com/v1", "Widget"));
    assert_eq!(
        set.add_openapi_v3("example.com/v1", &widget_document())
            .unwrap(),
        1
    );
    let widget = |spec: Value| json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec});
    let ok = widget(json!({
        "size": 3, "port": "http", "default": {"name": "d"},
        "extra": {"anything": {"goes": 1}},
        "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}},
    }));
    assert_eq!(set.validate(&ok), (SchemaVerdict::Valid, Vec::new()));
    let (verdict, errors) = set.validate(&widget(json!({"size": 3, "sise": 4, "port": 80})));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(errors[0].path, "spec.sise");
    let (_, errors) = set.validate(&json!({
        "apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"nmae": "w"}, "spec": {"size": 1}
    }));
    assert_eq!(errors[0].path, "metadata.nmae");
}

#[test]
fn errors_name_the_group_version_and_add_nothing() {
    let mut set = SchemaSet::bundled();
    let mut doc = widget_document();
    doc["components"]["schemas"]["com.example.v1.Widget"]["properties"]["spec"]["properties"]["size"] =
        json!({"$ref": "#/components/schemas/com.example.v1.Size"});
    let err = set.add_openapi_v3("example.com/v1", &doc).unwrap_err();
    assert!(matches!(&err, OpenApiError::DanglingRef { reference, .. }
        if reference == "#/components/schemas/com.example.v1.Size"));
    assert_eq!(
        err.to_string(),
        "OpenAPI v3 document of example.com/v1: schema com.example.v1.Widget refers to \
         #/components/schemas/com.example.v1.Size, which the document does not define"
    );
    assert!(!set.knows("example.com/v1", "Widget"));

    let err = set
        .add_openapi_v3("apps/v1", &json!({"paths": {}}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "OpenAPI v3 document of apps/v1 is malformed: it has no `components.schemas` object"
    );
    let outside = json!({"components": {"schemas": {"A": {"$ref": "#/definitions/B"}}}});
    let err = set.add_openapi_v3("v1", &outside).unwrap_err();
    assert!(
        matches!(err, OpenApiError::Malformed { ref group_version, .. } if group_version == "v1")
    );
    let bad_gvk = json!({"components": {"schemas": {"A": {"x-kubernetes-group-version-kind": [{"kind": 1}]}}}});
    assert!(set.add_openapi_v3("v1", &bad_gvk).is_err());
}

#[test]
fn openapi_paths() {
    assert_eq!(crate::schema::openapi_path("apps/v1"), "apis/apps/v1");
    assert_eq!(crate::schema::openapi_path("v1"), "api/v1");
}
