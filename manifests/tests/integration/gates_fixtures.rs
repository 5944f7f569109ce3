//! Every gate of the built-in constitution has a failing and a passing fixture under
//! `tests/fixtures/gates/`: `<gate-id>.fail.yaml` must produce the gate's finding on every
//! document (except context documents annotated `fixture.shipmate.dev/context`), and
//! `<gate-id>.pass.yaml` must not produce it on any. Action gates' fixtures are lists of argv
//! vectors.

use std::path::{Path, PathBuf};

use serde_json::Value;
use shipmate_manifests::gates::{Constitution, Finding, Severity};
use shipmate_manifests::parse::{self, Limits};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gates")
        .join(name)
}

fn read_docs(name: &str) -> Vec<Value> {
    let path = fixture(name);
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()));
    let name = path.display().to_string();
    parse::parse_bytes(&name, &bytes, &Limits::default())
        .into_iter()
        .map(|d| d.content.unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

/// The built-in constitution with an allowed-registries list, so that every gate can fire.
fn constitution() -> Constitution {
    let text = Constitution::default_yaml().replace(
        "allowed_registries: []",
        "allowed_registries: [ghcr.io/acme]",
    );
    Constitution::from_yaml(&text, "test").expect("test constitution")
}

const ACTION_GATES: &[&str] = &[
    "no-protected-namespace-delete",
    "no-namespace-delete",
    "no-mass-delete",
    "no-cluster-admin-grant",
    "no-protected-namespace-changes",
];

const BLOCK_GATES: &[&str] = &[
    "no-privileged",
    "no-host-namespaces",
    "no-host-path",
    "protected-namespaces",
    "no-cluster-admin-binding",
    "no-plaintext-secrets-configmap",
    "no-plaintext-secrets-env",
];

fn is_context(doc: &Value) -> bool {
    doc.pointer("/metadata/annotations/fixture.shipmate.dev~1context")
        .is_some()
}

fn object_findings(c: &Constitution, docs: &[Value]) -> Vec<Vec<Finding>> {
    let refs: Vec<&Value> = docs.iter().collect();
    let findings = c.check(&refs);
    assert_eq!(findings.len(), docs.len(), "findings are index-aligned");
    findings
}

/// Action fixtures are plain YAML lists of argv vectors (not Kubernetes objects).
fn argvs(name: &str) -> Vec<Vec<String>> {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()));
    serde_saphyr::from_str::<Vec<Vec<String>>>(&text)
        .unwrap_or_else(|e| panic!("{}: a list of argv lists: {e}", path.display()))
}

#[test]
fn every_gate_fails_its_fail_fixture_and_passes_its_pass_fixture() {
    let c = constitution();
    let ids: Vec<String> = c.gate_ids().map(str::to_owned).collect();
    assert!(ids.len() >= 21, "{ids:?}");
    for id in &ids {
        if ACTION_GATES.contains(&id.as_str()) {
            for argv in argvs(&format!("{id}.fail.yaml")) {
                let f = c.check_action(&argv);
                assert!(
                    f.iter().any(|f| f.gate == *id),
                    "{id} should fail {argv:?}: {f:?}"
                );
            }
            for argv in argvs(&format!("{id}.pass.yaml")) {
                let f = c.check_action(&argv);
                assert!(
                    !f.iter().any(|f| f.gate == *id),
                    "{id} should pass {argv:?}: {f:?}"
                );
            }
            continue;
        }
        let fail = read_docs(&format!("{id}.fail.yaml"));
        assert!(!fail.is_empty());
        for (doc, findings) in fail.iter().zip(object_findings(&c, &fail)) {
            let name = shipmate_manifests::document::object_ref(doc);
            let mine: Vec<&Finding> = findings.iter().filter(|f| f.gate == *id).collect();
            if is_context(doc) {
                assert!(mine.is_empty(), "{id}: context {name} fails: {mine:?}");
                continue;
            }
            assert!(
                !mine.is_empty(),
                "{id} did not fire on {name}: {findings:#?}"
            );
            for f in mine {
                assert_eq!(f.object, name);
                let expected = if BLOCK_GATES.contains(&id.as_str()) {
                    Severity::Block
                } else {
                    Severity::Warn
                };
                assert_eq!(f.severity, expected, "{f:?}");
                assert!(f.fix.len() > 10 && f.message.len() > 10, "{f:?}");
            }
        }
        let pass = read_docs(&format!("{id}.pass.yaml"));
        assert!(!pass.is_empty());
        for (doc, findings) in pass.iter().zip(object_findings(&c, &pass)) {
            let mine: Vec<&Finding> = findings.iter().filter(|f| f.gate == *id).collect();
            let name = shipmate_manifests::document::object_ref(doc);
            assert!(mine.is_empty(), "{id} fired on passing {name}: {mine:#?}");
        }
    }
}

#[test]
fn good_objects_pass_every_gate() {
    let docs = read_docs("good-deployment.yaml");
    for findings in object_findings(&constitution(), &docs) {
        assert!(findings.is_empty(), "{findings:#?}");
    }
}

#[test]
fn findings_name_the_container_and_the_exact_field() {
    let docs = read_docs("no-privilege-escalation.fail.yaml");
    let findings = object_findings(&constitution(), &docs);
    let f = findings[1]
        .iter()
        .find(|f| f.gate == "no-privilege-escalation")
        .expect("finding");
    assert_eq!(f.object, "Deployment/explicit");
    assert!(f.message.contains("\"init\""), "{f:?}");
    assert_eq!(
        f.fix,
        "set spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation: false"
    );

    let docs = read_docs("resources-set.fail.yaml");
    let f = &object_findings(&constitution(), &docs)[1];
    let f = f
        .iter()
        .find(|f| f.gate == "resources-set")
        .expect("finding");
    assert_eq!(
        f.fix,
        "set spec.containers[0].resources.limits.cpu: 500m, spec.containers[0].resources.limits.memory: 512Mi"
    );

    let docs = read_docs("image-pinned.fail.yaml");
    let f = &object_findings(&constitution(), &docs)[2];
    let images: Vec<&str> = f
        .iter()
        .filter(|f| f.gate == "image-pinned")
        .map(|f| f.fix.as_str())
        .collect();
    assert_eq!(
        images,
        [
            "set spec.jobTemplate.spec.template.spec.initContainers[0].image: curlimages/curl:<version> (or pin the digest: curlimages/curl@sha256:<digest>)"
        ]
    );
}

#[test]
fn plaintext_secret_findings_do_not_repeat_the_secret() {
    let c = constitution();
    for file in [
        "no-plaintext-secrets-env.fail.yaml",
        "no-plaintext-secrets-configmap.fail.yaml",
    ] {
        let docs = read_docs(file);
        for f in object_findings(&c, &docs).iter().flatten() {
            for secret in [
                "hunter2",
                "s3cr3t",
                "not-really-a-key",
                "MIIEvQ",
                "9f8e7d6c",
            ] {
                assert!(
                    !f.message.contains(secret) && !f.fix.contains(secret),
                    "{f:?}"
                );
            }
        }
    }
}

#[test]
fn action_findings_name_the_argv() {
    let c = constitution();
    let argv: Vec<String> = ["kubectl", "delete", "ns", "kube-system"]
        .map(String::from)
        .to_vec();
    let f = c.check_action(&argv);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].object, "kubectl delete ns kube-system");
    assert_eq!(f[0].severity, Severity::Block);
    assert!(Constitution::blocks(&f));
    assert!(c.check_action(&[]).is_empty());
    let odd: Vec<String> = vec!["kubectl".into(), "-n".into()];
    assert!(c.check_action(&odd).is_empty());
}

#[test]
fn junk_objects_give_no_findings_and_no_panics() {
    let c = constitution();
    let junk: Vec<Value> = serde_json::from_str(
        r#"[null, 1, "x", [], {}, {"kind": 3}, {"kind": "Deployment", "spec": []},
            {"kind": "Pod", "spec": {"containers": "nope", "volumes": [1, null]}},
            {"kind": "CronJob", "spec": {"jobTemplate": null}},
            {"kind": "Service", "spec": {"selector": {"a": 1}, "ports": [{"targetPort": "x"}]}},
            {"kind": "Pod", "metadata": {"annotations": {"waive.shipmate.dev/x": 5}},
             "spec": {"containers": [{"image": 5, "resources": {"limits": {"cpu": []}}}]}}]"#,
    )
    .expect("json");
    let refs: Vec<&Value> = junk.iter().collect();
    let findings = c.check(&refs);
    assert_eq!(findings.len(), junk.len());
    assert!(findings[..6].iter().all(Vec::is_empty), "{findings:#?}");
}
