//! No input makes the gates panic: random Kubernetes-shaped objects, random argv vectors and
//! random constitution text.

use proptest::prelude::*;
use serde_json::{Map, Value};
use shipmate_manifests::gates::Constitution;

const KEYS: &[&str] = &[
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "spec",
    "template",
    "jobTemplate",
    "containers",
    "initContainers",
    "ephemeralContainers",
    "securityContext",
    "privileged",
    "runAsNonRoot",
    "allowPrivilegeEscalation",
    "readOnlyRootFilesystem",
    "image",
    "env",
    "value",
    "valueFrom",
    "ports",
    "containerPort",
    "targetPort",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "data",
    "roleRef",
    "subjects",
    "volumes",
    "hostPath",
    "path",
    "hostNetwork",
    "hostPID",
    "resources",
    "limits",
    "requests",
    "cpu",
    "memory",
    "livenessProbe",
    "readinessProbe",
    "restartPolicy",
    "manualSelector",
    "waive.shipmate.dev/image-pinned",
    "waive.shipmate.dev/no-privileged",
    "app",
];

const STRINGS: &[&str] = &[
    "Deployment",
    "Pod",
    "CronJob",
    "Job",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Service",
    "ConfigMap",
    "RoleBinding",
    "ClusterRoleBinding",
    "Namespace",
    "ClusterRole",
    "cluster-admin",
    "kube-system",
    "default",
    "latest",
    "nginx:latest",
    "nginx",
    "a@b",
    ":",
    "/",
    "@",
    "1e400",
    "-5",
    "",
    "500m",
    "99999Ei",
    "NaN",
    "In",
    "NotIn",
    "Exists",
    "DoesNotExist",
    "http",
    "DB_PASSWORD",
    "hunter2",
    "postgres://a:b@c",
    "-----BEGIN PRIVATE KEY-----",
    "password=x\ntoken: y",
    "Never",
    "web",
    "ü\u{0}\u{202e}",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(STRINGS).prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

fn with_kind() -> impl Strategy<Value = Value> {
    (prop::sample::select(STRINGS), json()).prop_map(|(kind, mut v)| {
        if let Value::Object(m) = &mut v {
            m.insert("kind".into(), Value::String(kind.to_owned()));
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_objects_never_panic(objects in prop::collection::vec(with_kind(), 1..6)) {
        let c = Constitution::from_yaml(
            &Constitution::default_yaml().replace("allowed_registries: []", "allowed_registries: [ghcr.io/acme]"),
            "test",
        ).expect("constitution");
        let refs: Vec<&Value> = objects.iter().collect();
        let findings = c.check(&refs);
        prop_assert_eq!(findings.len(), objects.len());
    }

    #[test]
    fn random_argv_never_panics(argv in prop::collection::vec(
        prop::sample::select(&[
            "kubectl", "delete", "apply", "create", "set", "subject", "rollout", "status", "ns",
            "namespace/kube-system", "kube-system", "-n", "-nkube-system", "--namespace=", "--all",
            "-A", "--all=false", "all", "--clusterrole", "--clusterrole=cluster-admin",
            "clusterrolebinding", "--prune", "--", "-", "=", "/",
        ][..]).prop_map(String::from), 0..8)) {
        let _ = Constitution::builtin().check_action(&argv);
    }

    #[test]
    fn random_constitution_text_never_panics(text in "[a-z:{}\\[\\], \\n-]{0,120}") {
        let _ = Constitution::from_yaml(&text, "random");
        let prefixed = format!("version: 1\ngates:\n  - {text}");
        let _ = Constitution::from_yaml(&prefixed, "random");
    }
}

#[test]
fn deeply_nested_object_does_not_overflow() {
    let mut v = Value::String("x".into());
    for _ in 0..2_000 {
        let mut m = Map::new();
        m.insert("spec".into(), v);
        v = Value::Object(m);
    }
    let mut obj = Map::new();
    obj.insert("kind".into(), Value::String("Deployment".into()));
    obj.insert("spec".into(), v);
    let obj = Value::Object(obj);
    let c = Constitution::builtin();
    assert_eq!(c.check(&[&obj]).len(), 1);
    let cel = Constitution::from_yaml(
        "version: 1\ngates:\n  - {id: deep, title: t, severity: warn, expr: \"has(object.spec)\", message: m, fix: f}\n",
        "test",
    )
    .expect("cel");
    let f = cel.check(&[&obj]).remove(0);
    assert!(f[0].message.contains("nested deeper"), "{f:?}");
    // ordinary depth is evaluated
    let shallow: Value =
        serde_json::from_str(r#"{"kind": "Pod", "spec": {"a": {"b": [1]}}}"#).expect("json");
    assert!(cel.check(&[&shallow])[0].is_empty());
}

#[test]
fn deeply_nested_cel_expression_is_an_error_not_a_crash() {
    let gate = |expr: &str| {
        format!(
            "version: 1\ngates:\n  - {{id: deep, title: t, severity: warn, expr: \"{expr}\", message: m, fix: f}}\n"
        )
    };
    // within the limits: compiles (on its own stack) and evaluates on an ordinary test thread
    let nested = format!("{}true{}", "(".repeat(24), ")".repeat(24));
    let lists = format!("size({}1{}) == 1", "[".repeat(23), "]".repeat(23));
    let chain = vec!["object.kind != ''"; 90].join(" && ");
    let members = format!("object.kind == 'Pod' || has(object{}.a)", ".a".repeat(400));
    let pod: Value = serde_json::from_str(r#"{"kind": "Pod"}"#).expect("json");
    for expr in [nested, lists, chain, members] {
        let c = Constitution::from_yaml(&gate(&expr), "test").unwrap_or_else(|e| panic!("{e}"));
        let findings = c.check(&[&pod]).remove(0);
        assert!(findings.is_empty(), "{expr}: {findings:?}");
    }
    // beyond them: a clear error
    for (expr, needle) in [
        (
            format!("{}true{}", "(".repeat(25), ")".repeat(25)),
            "nests brackets 25 deep",
        ),
        (
            format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000)),
            "bytes long",
        ),
        (vec!["true"; 1_000].join(" && "), "bytes long"),
    ] {
        let e = Constitution::from_yaml(&gate(&expr), "test").expect_err("too big");
        assert!(e.to_string().contains(needle), "{e}");
        assert!(e.to_string().contains("gate `deep`"), "{e}");
    }
    // brackets inside string literals do not count
    let quoted = format!("object.kind != '{}'", "(".repeat(40));
    assert!(Constitution::from_yaml(&gate(&quoted), "test").is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever text a title, message, fix or namespace holds, `to_yaml` quotes it so that it
    /// reads back the same.
    #[test]
    fn any_text_round_trips_through_to_yaml(
        title in "\\PC{1,40}",
        message in "[ -~]{1,40}",
        ns in "[a-z0-9.:#&*!|>'\"%@` -]{1,20}",
    ) {
        let gate = serde_json::json!({
            "version": 1,
            "protected_namespaces": [ns],
            "gates": [{"id": "g", "title": title, "severity": "warn", "expr": "true",
                       "message": message, "fix": "f"}]
        });
        // JSON is YAML: build the constitution from it, then round-trip through to_yaml.
        let c = match Constitution::from_yaml(&gate.to_string(), "json") {
            Ok(c) => c,
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        let yaml = c.to_yaml();
        let again = Constitution::from_yaml(&yaml, "again");
        prop_assert!(again.is_ok(), "{:?}\n{}", again.err(), yaml);
        prop_assert_eq!(again.ok(), Some(c));
    }
}
