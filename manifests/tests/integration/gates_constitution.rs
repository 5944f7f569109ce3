//! The constitution format: round trips, parse errors that name the gate, CEL user gates,
//! waivers, discovery and defaults.

use serde_json::{Value, json};
use shipmate_manifests::gates::{
    Constitution, ConstitutionError, ConstitutionOrigin, Finding, Severity, WAIVER_GATE,
};

fn parse(text: &str) -> Result<Constitution, ConstitutionError> {
    Constitution::from_yaml(text, "test.yaml")
}

fn error(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn gates_only(gates: &str) -> String {
    format!("version: 1\ngates:\n{gates}")
}

fn check_one(c: &Constitution, object: &Value) -> Vec<Finding> {
    c.check(&[object]).remove(0)
}

fn gate_ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.gate.as_str()).collect()
}

const CEL_GATES: &str = r#"
  - id: team-label
    title: Workloads say which team owns them
    severity: warn
    kinds: [Deployment]
    expr: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: "metadata.labels has no `team` label"
    fix: "set metadata.labels.team: <team>"
  - id: prod-replicas
    title: "Production runs at least 2 replicas: \"HA\""
    severity: block
    kinds: [Deployment]
    namespaces: [prod]
    waivable: true
    expr: "object.spec.replicas >= 2"
    message: spec.replicas is below 2 in prod
    fix: "set spec.replicas: 2"
"#;

fn deployment(namespace: &str, labels: Value, replicas: Option<u64>) -> Value {
    let mut d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": namespace, "labels": labels},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "web:1"}]}}}
    });
    if let Some(r) = replicas {
        d["spec"]["replicas"] = json!(r);
    }
    d
}

#[test]
fn builtin_round_trips_through_yaml() {
    let c = Constitution::builtin();
    let yaml = c.to_yaml();
    assert!(yaml.starts_with("# shipmate constitution"), "{yaml}");
    let again = parse(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    assert_eq!(again, c);
    assert_eq!(again.to_yaml(), yaml);
    assert_eq!(parse(Constitution::default_yaml()).expect("default"), c);
}

#[test]
fn custom_constitution_round_trips() {
    let text = format!(
        "version: 1\nprotected_namespaces: [kube-system, \"yes\", payments]\nallowed_registries: \
         [ghcr.io/acme, \"registry.example.com:5000\"]\nresources:\n  requests: {{cpu: 50m, \
         memory: 64Mi}}\n  limits: {{cpu: 1, memory: 1Gi}}\n  budget: {{cpu: 4, memory: 8Gi}}\n\
         gates:\n{CEL_GATES}  - id: strict-images\n    title: \"Images by digest # in prod\"\n    \
         severity: block\n    namespaces: [prod]\n    check: image-pinned\n    params: \
         {{require_digest: true}}\n  - id: multi\n    title: multi-line\n    severity: warn\n    \
         expr: |\n      object.kind != 'Secret' ||\n        object.type != 'Opaque'\n    message: \
         \"no: Opaque\"\n    fix: \"it's {{fine}}\\n\"\n"
    );
    let c = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.protected_namespaces(), ["kube-system", "yes", "payments"]);
    assert_eq!(c.defaults().limits.cpu, "1");
    let yaml = c.to_yaml();
    let again = parse(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    assert_eq!(again, c, "{yaml}");
    // and the copy behaves the same
    let obj = deployment("prod", json!({}), Some(1));
    assert_eq!(check_one(&c, &obj), check_one(&again, &obj));
}

#[test]
fn empty_gate_list_round_trips() {
    let c = parse("version: 1\ngates: []\n").expect("empty");
    assert_eq!(c.gate_ids().count(), 0);
    assert_eq!(parse(&c.to_yaml()).expect("again"), c);
    // settings default to the built-in ones when omitted
    assert_eq!(
        c.protected_namespaces(),
        Constitution::builtin().protected_namespaces()
    );
}

#[test]
fn defaults_for_object_builders() {
    let d = Constitution::builtin().defaults().clone();
    assert_eq!(
        (d.requests.cpu.as_str(), d.requests.memory.as_str()),
        ("100m", "128Mi")
    );
    assert_eq!(
        (d.limits.cpu.as_str(), d.limits.memory.as_str()),
        ("500m", "512Mi")
    );
    assert_eq!(
        (d.budget.cpu.as_str(), d.budget.memory.as_str()),
        ("2", "4Gi")
    );
    assert!(Constitution::builtin().allowed_registries().is_empty());
}

#[test]
fn parse_errors_name_the_gate_and_the_fix() {
    let cases: &[(&str, &[&str])] = &[
        ("version: 1\ngates: []\ngatez: []\n", &["gatez"]),
        (
            "version: 1\nallowed_registries: [ghcr.io/acme]\n",
            &["gates"],
        ),
        ("version: 2\ngates: []\n", &["version 2", "version: 1"]),
        ("version: 1\ngates: [\n", &["test.yaml"]),
        (
            "version: 1\nresources:\n  requests: {cpu: lots, memory: 1Mi}\n  limits: {cpu: 1, memory: 1Mi}\n  budget: {cpu: 1, memory: 1Mi}\ngates: []\n",
            &["resources.requests.cpu", "lots"],
        ),
        (
            &gates_only(
                "  - {id: a, title: t, severity: warn, check: no-privileged, colour: red}\n",
            ),
            &["gate `a`", "colour"],
        ),
        (
            &gates_only("  - {id: typo, title: t, severity: warn, check: no-privilegd}\n"),
            &[
                "gate `typo`",
                "unknown built-in check `no-privilegd`",
                "no-privileged",
            ],
        ),
        (
            &gates_only(
                "  - {id: p, title: t, severity: warn, check: image-pinned, params: {require_digets: true}}\n",
            ),
            &["gate `p`", "require_digets", "require_digest"],
        ),
        (
            &gates_only(
                "  - {id: p, title: t, severity: warn, check: no-privileged, params: {x: 1}}\n",
            ),
            &["gate `p`", "x"],
        ),
        (
            &gates_only(
                "  - {id: r, title: t, severity: warn, check: resources-set, params: {requests: [gpu]}}\n",
            ),
            &["gate `r`", "gpu"],
        ),
        (
            &gates_only(
                "  - {id: c, title: t, severity: block, expr: 'object.kind ==', message: m, fix: f}\n",
            ),
            &["gate `c`", "CEL expression does not compile"],
        ),
        (
            &gates_only("  - {id: c, title: t, severity: block, expr: 'true'}\n"),
            &["gate `c`", "message", "fix"],
        ),
        (
            &gates_only(
                "  - {id: b, title: t, severity: warn, check: no-privileged, expr: 'true', message: m, fix: f}\n",
            ),
            &["gate `b`", "both"],
        ),
        (
            &gates_only("  - {id: n, title: t, severity: warn}\n"),
            &["gate `n`", "check", "expr"],
        ),
        (
            &gates_only(
                "  - {id: d, title: t, severity: warn, check: no-privileged}\n  - {id: d, title: t, severity: warn, check: no-host-path}\n",
            ),
            &["gate `d`", "duplicate"],
        ),
        (
            &gates_only("  - {id: Bad_Id, title: t, severity: warn, check: no-privileged}\n"),
            &["Bad_Id", "lowercase"],
        ),
        (
            &gates_only("  - {id: waiver, title: t, severity: warn, check: no-privileged}\n"),
            &["reserved"],
        ),
        (
            &gates_only("  - {id: s, title: t, severity: fatal, check: no-privileged}\n"),
            &["gate `s`", "fatal"],
        ),
        (
            &gates_only("  - {title: t, severity: warn, check: no-privileged}\n"),
            &["gate #1", "id"],
        ),
        (
            &gates_only(
                "  - {id: m, title: t, severity: block, kinds: [Pod], check: no-mass-delete}\n",
            ),
            &["gate `m`", "kubectl actions", "kinds"],
        ),
    ];
    for (text, needles) in cases {
        let e = error(text);
        assert!(e.starts_with("constitution test.yaml: "), "{e}");
        for n in *needles {
            assert!(
                e.contains(n),
                "error for\n{text}\nshould mention {n:?}: {e}"
            );
        }
    }
}

#[test]
fn cel_gates_pass_fail_and_fail_closed() {
    let c = parse(&gates_only(CEL_GATES)).expect("cel constitution");
    let labelled = deployment("prod", json!({"team": "shop"}), Some(3));
    assert!(check_one(&c, &labelled).is_empty());

    let unlabelled = deployment("prod", json!({"app": "web"}), Some(1));
    let f = check_one(&c, &unlabelled);
    assert_eq!(gate_ids(&f), ["team-label", "prod-replicas"]);
    assert_eq!(f[0].message, "metadata.labels has no `team` label");
    assert_eq!(f[0].fix, "set metadata.labels.team: <team>");
    assert_eq!(f[0].object, "Deployment/web");
    assert_eq!(f[1].severity, Severity::Block);

    // namespaces: the replicas gate applies to prod only
    let staging = deployment("staging", json!({"team": "shop"}), Some(1));
    assert!(check_one(&c, &staging).is_empty());
    // kinds: a Service is not a Deployment
    let svc = json!({"kind": "Service", "metadata": {"name": "web"}});
    assert!(check_one(&c, &svc).is_empty());

    // a run-time error (no spec.replicas) fails closed, and says why
    let no_replicas = deployment("prod", json!({"team": "shop"}), None);
    let f = check_one(&c, &no_replicas);
    assert_eq!(gate_ids(&f), ["prod-replicas"]);
    assert!(f[0].message.contains("CEL expression failed"), "{f:?}");

    // a non-bool result fails too
    let c = parse(&gates_only(
        "  - {id: n, title: t, severity: warn, expr: 'object.kind', message: m, fix: f}\n",
    ))
    .expect("compiles");
    let f = check_one(&c, &svc);
    assert!(f[0].message.contains("not a bool"), "{f:?}");
}

fn waiver_constitution() -> Constitution {
    parse(&gates_only(
        "  - {id: image-pinned, title: t, severity: warn, check: image-pinned}\n  \
         - {id: no-privileged, title: t, severity: block, check: no-privileged}\n  \
         - {id: no-host-path, title: t, severity: block, waivable: true, check: no-host-path}\n",
    ))
    .expect("waiver constitution")
}

fn pod(annotations: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "annotations": annotations},
        "spec": {
            "containers": [{"name": "c", "image": "nginx:latest", "securityContext": {"privileged": true}}],
            "volumes": [{"name": "h", "hostPath": {"path": "/var/log"}}]
        }
    })
}

#[test]
fn unannotated_pod_fails_all_three() {
    let f = check_one(&waiver_constitution(), &pod(json!({})));
    assert_eq!(
        gate_ids(&f),
        ["image-pinned", "no-privileged", "no-host-path"]
    );
}

#[test]
fn warn_gate_is_waived_with_a_reason() {
    let f = check_one(
        &waiver_constitution(),
        &pod(json!({"waive.shipmate.dev/image-pinned": "vendor image, tracked in OPS-1"})),
    );
    assert_eq!(gate_ids(&f), ["no-privileged", "no-host-path"]);
}

#[test]
fn empty_reason_does_not_waive() {
    for reason in ["", "   ", "null"] {
        let annotations = if reason == "null" {
            json!({"waive.shipmate.dev/image-pinned": null})
        } else {
            json!({"waive.shipmate.dev/image-pinned": reason})
        };
        let f = check_one(&waiver_constitution(), &pod(annotations));
        assert_eq!(
            gate_ids(&f),
            ["image-pinned", "no-privileged", "no-host-path", WAIVER_GATE],
            "{reason:?}"
        );
        let w = f.last().expect("waiver finding");
        assert_eq!(w.severity, Severity::Warn);
        assert!(w.message.contains("no reason"), "{w:?}");
        assert!(w.fix.contains("waive.shipmate.dev/image-pinned"), "{w:?}");
    }
}

#[test]
fn block_gate_cannot_be_waived_unless_the_constitution_allows_it() {
    let f = check_one(
        &waiver_constitution(),
        &pod(json!({
            "waive.shipmate.dev/no-privileged": "the model says it is fine",
            "waive.shipmate.dev/no-host-path": "log shipper, approved in SEC-42",
        })),
    );
    // no-privileged still blocks; no-host-path (waivable: true) is waived
    assert_eq!(gate_ids(&f), ["image-pinned", "no-privileged", WAIVER_GATE]);
    assert_eq!(f[1].severity, Severity::Block);
    assert!(
        f[2].message.contains("`no-privileged` ignored"),
        "{:?}",
        f[2]
    );
    assert!(Constitution::blocks(&f));
}

#[test]
fn builtin_block_gates_are_not_waivable() {
    let c = Constitution::builtin();
    let f = check_one(
        &c,
        &pod(json!({"waive.shipmate.dev/no-privileged": "trust me"})),
    );
    assert!(
        f.iter()
            .any(|f| f.gate == "no-privileged" && f.severity == Severity::Block)
    );
}

#[test]
fn waiver_for_unknown_gate_is_reported() {
    let f = check_one(
        &waiver_constitution(),
        &pod(json!({"waive.shipmate.dev/image-pined": "typo"})),
    );
    let w = f
        .iter()
        .find(|f| f.gate == WAIVER_GATE)
        .expect("waiver finding");
    assert!(w.message.contains("unknown gate `image-pined`"), "{w:?}");
    assert!(f.iter().any(|f| f.gate == "image-pinned"));
}

#[test]
fn discovery_prefers_project_then_user_then_builtin() {
    let project = tempfile::tempdir().expect("tmp");
    let config = tempfile::tempdir().expect("tmp");
    let (c, origin) = Constitution::discover(project.path(), Some(config.path())).expect("builtin");
    assert_eq!(origin, ConstitutionOrigin::Builtin);
    assert_eq!(c, Constitution::builtin());

    let user = config.path().join("constitution.yaml");
    std::fs::write(&user, gates_only(CEL_GATES)).expect("write");
    let (c, origin) = Constitution::discover(project.path(), Some(config.path())).expect("user");
    assert_eq!(origin, ConstitutionOrigin::User(user));
    assert_eq!(
        c.gate_ids().collect::<Vec<_>>(),
        ["team-label", "prod-replicas"]
    );

    let local = project.path().join("constitution.yaml");
    std::fs::write(&local, "version: 1\ngates: []\n").expect("write");
    let (c, origin) = Constitution::discover(project.path(), Some(config.path())).expect("project");
    assert_eq!(origin, ConstitutionOrigin::Project(local.clone()));
    assert_eq!(c.gate_ids().count(), 0);
    assert!(origin.to_string().contains("project"));

    std::fs::write(&local, "version: 1\ngates: [{id: x}]\n").expect("write");
    let e = Constitution::discover(project.path(), Some(config.path())).expect_err("invalid");
    assert!(e.to_string().contains(&local.display().to_string()), "{e}");

    let e = Constitution::load(&project.path().join("missing.yaml")).expect_err("missing");
    assert!(matches!(e, ConstitutionError::Io { .. }), "{e}");
}

#[test]
fn findings_serialise_in_the_contract_shape() {
    let f = check_one(&waiver_constitution(), &pod(json!({})));
    let v = serde_json::to_value(&f[1]).expect("json");
    assert_eq!(
        v.as_object().expect("object").keys().collect::<Vec<_>>(),
        ["gate", "severity", "object", "message", "fix"]
    );
    assert_eq!(v["severity"], "block");
}
