//! `--anonymize` through the binary: what reaches the fake provider names no object and no
//! namespace of the cluster; the proposal the person gets names the real ones.

use serde_json::json;
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::fake_llm::{FakeLlm, openai};
use shipmate_e2e::{Sandbox, stdout_json};

/// A crashing pod in `payments` whose log names its database service by DNS name, and a name
/// that is a prefix of another (`checkout` / `checkout-api-0`) and of words (`checkouts`).
const CLUSTER: &str = r#"
apiVersion: v1
kind: Pod
metadata:
  name: checkout-api-0
  namespace: payments
  labels: {app: checkout}
  annotations:
    fake-kube.shipmate.test/log: |
      checkout-api-0 starting; 3 checkouts pending
      dial ledger-db.payments.svc:5432: connection refused
      panic: cannot reach the ledger
spec:
  containers: [{name: checkout, image: "ghcr.io/acme/checkout:2.1"}]
"#;

#[test]
fn names_and_namespaces_reach_the_model_as_placeholders_and_come_back_real() {
    let fake = FakeCluster::start();
    fake.seed(CLUSTER);
    let llm = FakeLlm::start();
    // The request names `payments` first (ns-1), then `checkout-api-0` (name-2): the model
    // only ever sees those.
    llm.push(openai::tool_calls(&[
        ("logs", json!({"pod": "name-2", "namespace": "ns-1"})),
        (
            "describe",
            json!({"kind": "pod", "name": "name-2", "namespace": "ns-1"}),
        ),
    ]));
    llm.push(openai::chat(
        &json!({"status": "proposed",
            "summary": "name-2 in ns-1 cannot reach its database; add the missing service",
            "manifests": [{"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "ledger-db", "namespace": "ns-1"},
                "spec": {"selector": {"app": "ledger"}, "ports": [{"port": 5432}]}}],
            "actions": [{"argv": ["kubectl", "delete", "pod", "name-2", "-n", "ns-1"],
                "reason": "restart name-2 after the fix"}]})
        .to_string(),
    ));
    let sandbox = Sandbox::new();
    let request = "why is pod checkout-api-0 crashing in namespace payments?";
    let out = sandbox
        .shipmate_on(&fake)
        .env("OPENAI_BASE_URL", llm.base_url())
        .env("OPENAI_API_KEY", "sk-e2e-0123456789abcdefghij")
        .args(["ask", "--backend", "openai", "--anonymize", "--no-apply"])
        .args(["-o", "json", request])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let p = stdout_json(&out);
    let requests = llm.requests();
    assert_eq!(requests.len(), 2, "{p:#}");

    assert!(
        requests[0].json().get("stream").is_none(),
        "piped output: not streamed"
    );
    let first = requests[0].text();
    assert!(
        first.contains("Request: why is pod name-2 crashing in namespace ns-1?"),
        "{first}"
    );
    let second = requests[1].text();
    // The tools ran on the real pod (mapped back), and their answers were anonymized.
    assert!(
        second.contains("panic: cannot reach the ledger"),
        "{second}"
    );
    assert!(
        second.contains("name-2 starting; 3 checkouts pending"),
        "whole words only: {second}"
    );
    assert!(second.contains("ledger-db.ns-1.svc"), "{second}");
    assert!(second.contains("Name:"), "describe answered: {second}");
    for body in [&first, &second] {
        for real in ["checkout-api-0", "payments"] {
            assert!(!body.contains(real), "`{real}` reached the model: {body}");
        }
    }

    // The proposal names the real objects; the model's own name (`ledger-db`) is kept.
    assert_eq!(
        p["summary"].as_str().unwrap(),
        "checkout-api-0 in payments cannot reach its database; add the missing service"
    );
    assert_eq!(p["manifests"][0]["metadata"]["namespace"], "payments");
    assert_eq!(p["manifests"][0]["metadata"]["name"], "ledger-db");
    assert_eq!(
        p["actions"][0]["argv"],
        json!([
            "kubectl",
            "delete",
            "pod",
            "checkout-api-0",
            "-n",
            "payments"
        ])
    );
    assert_eq!(
        p["actions"][0]["reason"],
        "restart checkout-api-0 after the fix"
    );
    assert_eq!(p["request"], request);
}

#[test]
fn without_the_flag_names_are_sent_as_they_are() {
    let llm = FakeLlm::start();
    llm.push(openai::chat(r#"{"status":"not_understood","summary":"?"}"#));
    let sandbox = Sandbox::new();
    let out = sandbox
        .shipmate()
        .env("OPENAI_BASE_URL", llm.base_url())
        .env("OPENAI_API_KEY", "sk-e2e-0123456789abcdefghij")
        .args(["ask", "--backend", "openai", "--no-apply", "-o", "json"])
        .arg("scale deployment checkout in namespace payments to 3")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let _ = stdout_json(&out);
    let sent = llm.requests()[0].text();
    assert!(
        sent.contains("deployment checkout in namespace payments"),
        "{sent}"
    );
}

#[test]
fn the_environment_and_a_profile_turn_it_on_too() {
    let sandbox = Sandbox::new();
    let config = sandbox.work().join("config");
    std::fs::create_dir_all(config.join("shipmate")).unwrap();
    let request = "scale deployment checkout in namespace payments to 3";
    for (env, profile) in [(Some("1"), ""), (None, ", anonymize: true")] {
        let llm = FakeLlm::start();
        llm.push(openai::chat(r#"{"status":"not_understood","summary":"?"}"#));
        std::fs::write(
            config.join("shipmate/config.yaml"),
            format!(
                "default_profile: lab\nprofiles:\n  lab: {{backend: openai, base_url: '{}'{profile}}}\n",
                llm.base_url()
            ),
        )
        .unwrap();
        let mut cmd = sandbox.shipmate();
        cmd.env("XDG_CONFIG_HOME", &config)
            .env("OPENAI_API_KEY", "sk-e2e-0123456789abcdefghij")
            .args(["ask", "--no-apply", "-o", "json", request])
            .stdin(std::process::Stdio::null());
        if let Some(value) = env {
            cmd.env("SHIPMATE_ANONYMIZE", value);
        }
        let out = cmd.output().unwrap();
        let _ = stdout_json(&out);
        let sent = llm.requests()[0].text();
        assert!(
            sent.contains("deployment name-2 in namespace ns-1"),
            "{env:?} {profile}: {sent}"
        );
    }
}
