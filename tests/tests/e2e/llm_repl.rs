//! Troubleshooting in conversation: the REPL on a pseudo-terminal with `--backend openai`
//! against the fake provider and the fake API server. "why is api-0 crashing?" — the model
//! reads the pod, its logs and its events through the read-only tools (masked, capped,
//! untrusted), explains the cause, and proposes a fix that takes the normal path: diff,
//! confirmation, and (answered "n") nothing changes.

use serde_json::json;
use shipmate_e2e::Sandbox;
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::fake_llm::{FakeLlm, openai};

use super::repl::{CONFIRM, PROMPT, Pty};

/// Most bytes of one tool answer in this test (`--tool-max-bytes`).
const CAP: usize = 2048;

fn api(pool: &str) -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "default", "labels": {"app": "api"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "api"}},
            "template": {"metadata": {"labels": {"app": "api"}},
                "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:2.1",
                    "env": [{"name": "DB_POOL_MAX", "value": pool}]}]}}}})
}

fn crashing_pod() -> serde_json::Value {
    let mut log: String = (0..500)
        .map(|i| format!("INFO request {i} served in 12ms\n"))
        .collect();
    log.push_str("connecting to postgres://api:s3cr3t-pty@db:5432/app\n");
    log.push_str("FATAL pool exhausted: 5 of 5 connections in use\n");
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "api-0", "namespace": "default", "labels": {"app": "api"},
            "annotations": {"fake-kube.shipmate.test/log": log}},
        "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:2.1"}]}})
}

#[test]
fn why_is_it_crashing_gathers_evidence_explains_and_proposes_a_fix_that_waits_for_a_yes() {
    let fake = FakeCluster::start();
    fake.seed(api("5"));
    fake.seed(crashing_pod());
    let llm = FakeLlm::start();
    // On a terminal the answers are streamed (and the explanation shown as it arrives).
    llm.push(openai::tool_calls_stream(&[
        ("describe", json!({"kind": "pod", "name": "api-0"})),
        ("logs", json!({"pod": "api-0"})),
        ("events", json!({"object": "Pod/api-0"})),
    ]));
    llm.push(openai::chat_stream(
        &json!({"status": "proposed",
            "summary": "api-0 crashes because its database pool is exhausted (5 of 5 \
                        connections in use); raise DB_POOL_MAX on deployment api to 20",
            "manifests": [api("20")]})
        .to_string(),
        40,
    ));
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.shipmate_on(&fake);
    cmd.env("OPENAI_BASE_URL", llm.base_url())
        .env("OPENAI_API_KEY", "sk-e2e-0123456789abcdefghij")
        .args(["repl", "--backend", "openai", "--force"])
        .args(["--tool-max-bytes", &CAP.to_string()]);
    let mut repl = Pty::start(cmd);
    repl.expect(PROMPT);
    fake.clear_requests();

    repl.line("why is api-0 crashing?");
    // The explanation streams in before the proposal is shown.
    let streamed = repl.expect("[proposed]");
    assert!(
        streamed.contains("api-0 crashes because its database pool is exhausted (5 of 5"),
        "{streamed}"
    );
    assert!(
        !streamed.contains("\"summary\""),
        "only the summary, decoded: {streamed}"
    );
    repl.expect("api-0 crashes because its database pool is exhausted");
    repl.expect("[changed] Deployment/api in namespace default");
    let diff = repl.expect(CONFIRM);
    assert!(
        diff.contains("-          value: \"5\"") && diff.contains("+          value: \"20\""),
        "{diff}"
    );
    repl.line("n");
    repl.expect("Nothing was applied.");
    repl.expect(PROMPT);

    // The model got the evidence, masked, capped and marked untrusted.
    let requests = llm.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].json()["stream"], true, "streamed on a terminal");
    let evidence = requests[1].json();
    let tool_answers: Vec<&str> = evidence["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(tool_answers.len(), 3, "describe, logs, events");
    for answer in &tool_answers {
        assert!(answer.contains("<untrusted-data source="), "{answer}");
        assert!(!answer.contains("s3cr3t-pty"), "masked: {answer}");
        assert!(answer.len() < CAP + 600, "capped: {} bytes", answer.len());
    }
    assert!(
        tool_answers[1].contains("FATAL pool exhausted"),
        "{}",
        tool_answers[1]
    );
    assert!(
        tool_answers[1].contains("earlier bytes cut at the 2048-byte cap"),
        "{}",
        tool_answers[1]
    );

    // Declined: only reads and dry-runs reached the cluster; the Deployment is as it was.
    let writes: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && r.param("dryRun") != Some("All"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(writes, Vec::<String>::new());
    let live = fake.get("deploy/default/api").unwrap();
    assert_eq!(
        live["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
        "5"
    );
    repl.line("/exit");
    assert_eq!(repl.exit_code(), 0);
}
