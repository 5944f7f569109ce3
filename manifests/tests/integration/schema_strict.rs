//! Strict schema validation: what `kubeconform -strict` rejects we reject, with messages a
//! person can act on.

use serde_json::{Value, json};
use shipmate_manifests::{Document, ManifestError, SchemaError, SchemaSet, SchemaVerdict};

fn deployment(spec_extra: Value) -> Value {
    let mut d = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}
            }
        }
    });
    if let (Some(spec), Value::Object(extra)) = (d["spec"].as_object_mut(), spec_extra) {
        spec.extend(extra);
    }
    d
}

fn err(path: &str, message: &str) -> SchemaError {
    SchemaError {
        path: path.into(),
        message: message.into(),
    }
}

#[test]
fn a_correct_deployment_is_valid() {
    let set = SchemaSet::bundled();
    assert_eq!(
        set.validate(&deployment(json!({}))),
        (SchemaVerdict::Valid, vec![])
    );
}

#[test]
fn unknown_field_is_an_error_with_a_hint() {
    let set = SchemaSet::bundled();
    let mut d = deployment(json!({}));
    d["spec"]["replica"] = json!(3);
    d["spec"]["zzz"] = json!(1);
    let (verdict, errors) = set.validate(&d);
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![
            err(
                "spec.replica",
                "unknown field `replica` (did you mean `replicas`?)"
            ),
            err("spec.zzz", "unknown field `zzz`"),
        ]
    );
}

#[test]
fn wrong_type_says_what_was_found() {
    let set = SchemaSet::bundled();
    let (verdict, errors) = set.validate(&deployment(json!({"replicas": "3"})));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![err("spec.replicas", "expected integer, found string \"3\"")]
    );
}

#[test]
fn nested_path_has_array_indices() {
    let set = SchemaSet::bundled();
    let mut d = deployment(json!({}));
    d["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .expect("containers")
        .push(json!({"name": "side", "image": "busybox:1", "imagePullPolicy": 7}));
    let (verdict, errors) = set.validate(&d);
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![err(
            "spec.template.spec.containers[1].imagePullPolicy",
            "expected string, found integer 7"
        )]
    );
}

#[test]
fn int_or_string_is_accepted_both_ways() {
    let set = SchemaSet::bundled();
    for value in [json!(1), json!("25%")] {
        let d = deployment(json!({"strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": value, "maxUnavailable": 0}
        }}));
        assert_eq!(set.validate(&d), (SchemaVerdict::Valid, vec![]), "{value}");
    }
    let service = |target: Value| {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
               "spec": {"ports": [{"port": 80, "targetPort": target}]}})
    };
    assert_eq!(set.validate(&service(json!(8080))).0, SchemaVerdict::Valid);
    assert_eq!(
        set.validate(&service(json!("http"))).0,
        SchemaVerdict::Valid
    );
    let (verdict, errors) = set.validate(&service(json!(true)));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![err(
            "spec.ports[0].targetPort",
            "expected integer or string, found boolean true"
        )]
    );
}

#[test]
fn quantities_accept_numbers_and_strings() {
    let set = SchemaSet::bundled();
    let pod = |resources: Value| {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
               "spec": {"containers": [{"name": "c", "image": "busybox:1", "resources": resources}]}})
    };
    let ok = pod(
        json!({"requests": {"cpu": 0.5, "memory": "64Mi"}, "limits": {"cpu": 1, "memory": "1Gi"}}),
    );
    assert_eq!(set.validate(&ok), (SchemaVerdict::Valid, vec![]));
    let (verdict, errors) = set.validate(&pod(json!({"limits": {"cpu": [1]}})));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![err(
            "spec.containers[0].resources.limits.cpu",
            "expected number or string, found an array"
        )]
    );
}

#[test]
fn null_optional_fields_are_accepted_null_required_fields_are_not() {
    let set = SchemaSet::bundled();
    // What `kubectl create --dry-run=client -o yaml` prints.
    let mut d = deployment(json!({"strategy": {}}));
    d["metadata"]["creationTimestamp"] = Value::Null;
    d["spec"]["template"]["metadata"]["creationTimestamp"] = Value::Null;
    d["spec"]["template"]["spec"]["containers"][0]["resources"] = json!({});
    d["status"] = json!({});
    d["spec"]["replicas"] = Value::Null;
    assert_eq!(set.validate(&d), (SchemaVerdict::Valid, vec![]));

    let mut d = deployment(json!({}));
    d["spec"]["template"]["spec"]["containers"] = Value::Null;
    let (verdict, errors) = set.validate(&d);
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![err(
            "spec.template.spec.containers",
            "missing required field `containers`"
        )]
    );
}

#[test]
fn unknown_kinds_have_no_schema() {
    let set = SchemaSet::bundled();
    for (api_version, kind) in [
        ("example.com/v1", "Widget"),
        ("extensions/v1beta1", "Deployment"),
        ("apps/v1", "Deploymnet"),
    ] {
        let object = json!({"apiVersion": api_version, "kind": kind, "spec": {"anything": 1}});
        assert_eq!(
            set.validate(&object),
            (SchemaVerdict::NoSchema, vec![]),
            "{api_version} {kind}"
        );
    }
    assert!(set.knows("apps/v1", "Deployment"));
    assert!(!set.knows("example.com/v1", "Widget"));
}

#[test]
fn missing_api_version_or_kind_is_invalid() {
    let set = SchemaSet::bundled();
    let (verdict, errors) = set.validate(&json!({"metadata": {"name": "x"}}));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![
            err("apiVersion", "missing required field `apiVersion`"),
            err("kind", "missing required field `kind`"),
        ]
    );
    let (verdict, errors) = set.validate(&json!({"apiVersion": "v1", "kind": 3}));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![err("kind", "expected a non-empty string, found integer 3")]
    );
    assert_eq!(set.validate(&json!(["a"])).0, SchemaVerdict::Invalid);
}

#[test]
fn errors_are_capped() {
    let set = SchemaSet::bundled();
    let mut d = deployment(json!({}));
    for i in 0..30 {
        d["spec"][format!("bogus{i}")] = json!(1);
    }
    let (verdict, errors) = set.validate(&d);
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(errors.len(), 21);
    assert_eq!(errors[20], err("", "… and 10 more errors"));
}

#[test]
fn v1_list_is_validated() {
    let set = SchemaSet::bundled();
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [{"kind": "anything"}]});
    assert_eq!(set.validate(&list), (SchemaVerdict::Valid, vec![]));
    let (verdict, _) = set.validate(&json!({"apiVersion": "v1", "kind": "List", "items": 3}));
    assert_eq!(verdict, SchemaVerdict::Invalid);
}

#[test]
fn schemas_are_compiled_once_per_kind() {
    let set = SchemaSet::bundled();
    assert_eq!(set.compiled_count(), 0, "nothing is compiled up front");
    set.validate(&deployment(json!({})));
    assert_eq!(set.compiled_count(), 1);
    set.validate(&deployment(json!({"replicas": 5})));
    set.validate(&deployment(json!({"replica": 5})));
    assert_eq!(
        set.compiled_count(),
        1,
        "second Deployment reuses the cache"
    );
    set.validate(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}));
    assert_eq!(set.compiled_count(), 2);
    set.validate(&json!({"apiVersion": "example.com/v1", "kind": "Widget"}));
    assert_eq!(set.compiled_count(), 2, "no_schema compiles nothing");
}

#[test]
fn a_schema_set_is_shared_between_threads() {
    let set = SchemaSet::bundled();
    std::thread::scope(|s| {
        for replicas in 0..4 {
            let set = &set;
            s.spawn(move || {
                let d = deployment(json!({"replicas": replicas}));
                assert_eq!(set.validate(&d).0, SchemaVerdict::Valid);
            });
        }
    });
    assert_eq!(set.compiled_count(), 1);
}

fn doc(file: &str, content: Value) -> Document {
    Document {
        file: file.into(),
        index: 0,
        line: 1,
        content: Ok(content),
    }
}

fn widget_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Namespaced",
            "versions": [
                {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                        "spec": {
                            "type": "object",
                            "required": ["size"],
                            "properties": {
                                "size": {"type": "integer", "minimum": 1},
                                "color": {"type": "string", "enum": ["red", "blue"]},
                                "port": {"x-kubernetes-int-or-string": true},
                                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                                          "properties": {"known": {"type": "string"}}}
                            }
                        }
                    }
                }}},
                {"name": "v0", "served": false, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}}
            ]
        }
    })
}

#[test]
fn custom_resources_are_validated_against_their_crd() {
    let mut set = SchemaSet::bundled();
    let widget = |spec: Value| {
        json!({"apiVersion": "example.com/v1", "kind": "Widget",
               "metadata": {"name": "w", "namespace": "default", "labels": {"a": "b"}}, "spec": spec})
    };
    assert_eq!(
        set.validate(&widget(json!({"size": 1}))).0,
        SchemaVerdict::NoSchema
    );
    let added = set
        .add_crds(&[
            doc("crds/widget.yaml", widget_crd()),
            doc("other.yaml", deployment(json!({}))),
        ])
        .expect("valid CRD");
    assert_eq!(added, 1, "only the served version is added");

    let ok = widget(json!({"size": 2, "color": "red", "port": "http",
                           "extra": {"known": "x", "unknown": {"deep": true}}}));
    assert_eq!(set.validate(&ok), (SchemaVerdict::Valid, vec![]));
    assert_eq!(
        set.validate(&widget(json!({"size": 2, "port": 8080}))).0,
        SchemaVerdict::Valid
    );

    let (verdict, errors) = set.validate(&widget(json!({"size": 0, "colour": "red"})));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert!(
        errors.contains(&err(
            "spec.colour",
            "unknown field `colour` (did you mean `color`?)"
        )),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.path == "spec.size"), "{errors:?}");

    let (verdict, errors) = set.validate(&json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"nmae": "w"}, "spec": {"size": 1}}));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(
        errors,
        vec![err(
            "metadata.nmae",
            "unknown field `nmae` (did you mean `name`?)"
        )]
    );
    assert_eq!(
        set.validate(&json!({"apiVersion": "example.com/v0", "kind": "Widget"}))
            .0,
        SchemaVerdict::NoSchema,
        "unserved versions are not registered"
    );
}

#[test]
fn a_broken_crd_is_an_error_naming_its_file() {
    let mut set = SchemaSet::bundled();
    let mut crd = widget_crd();
    crd["spec"].as_object_mut().expect("spec").remove("group");
    let e = set
        .add_crds(&[doc("crds/broken.yaml", crd)])
        .expect_err("missing group");
    assert!(matches!(e, ManifestError::Crd { .. }));
    let text = e.to_string();
    assert!(text.contains("crds/broken.yaml"), "{text}");
    assert!(text.contains("spec.group"), "{text}");

    let mut crd = widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["size"] =
        json!({"type": "integer", "minimum": "one"});
    let e = set
        .add_crds(&[doc("crds/bad-schema.yaml", crd)])
        .expect_err("invalid schema");
    assert!(e.to_string().contains("crds/bad-schema.yaml"), "{e}");
}

#[test]
fn an_open_crd_still_checks_metadata() {
    let mut set = SchemaSet::bundled();
    let mut crd = widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] =
        json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
    assert_eq!(
        set.add_crds(&[doc("crds/open.yaml", crd)])
            .expect("valid CRD"),
        1
    );
    let ok = json!({"apiVersion": "example.com/v1", "kind": "Widget",
                    "metadata": {"name": "w"}, "anything": {"goes": [1, 2]}});
    assert_eq!(set.validate(&ok), (SchemaVerdict::Valid, vec![]));
    let bad = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": 1}});
    assert_eq!(
        set.validate(&bad),
        (
            SchemaVerdict::Invalid,
            vec![err("metadata.name", "expected string, found integer 1")]
        )
    );
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    /// One set for all cases (it is `Sync`), so the cases exercise the cache too.
    static SET: std::sync::OnceLock<SchemaSet> = std::sync::OnceLock::new();

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "[a-zA-Z.%/ -]{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("spec".to_owned()),
                        Just("template".to_owned()),
                        Just("containers".to_owned()),
                        Just("metadata".to_owned()),
                        Just("ports".to_owned()),
                        "[a-z]{1,8}"
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn arbitrary_objects_never_panic(body in any_json(), kind in 0usize..4) {
            let set = SET.get_or_init(SchemaSet::bundled);
            let (api_version, kind) = [
                ("apps/v1", "Deployment"), ("v1", "Pod"), ("v1", "Service"), ("v1", "List"),
            ][kind];
            let mut object = json!({"apiVersion": api_version, "kind": kind});
            if let (Value::Object(map), Value::Object(extra)) = (&mut object, body.clone()) {
                map.extend(extra);
                map.insert("apiVersion".into(), json!(api_version));
                map.insert("kind".into(), json!(kind));
            }
            let (verdict, errors) = set.validate(&object);
            prop_assert!(matches!(verdict, SchemaVerdict::Valid | SchemaVerdict::Invalid));
            prop_assert_eq!(verdict == SchemaVerdict::Valid, errors.is_empty());
            prop_assert!(errors.len() <= 21);
            let _ = set.validate(&body);
        }
    }
}
