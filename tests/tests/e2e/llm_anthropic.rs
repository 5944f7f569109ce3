//! `shipmate ask --backend anthropic` against the fake Messages API: the model reads the
//! cluster through tools (masked, untrusted), obeys an injected instruction, and the
//! constitution still blocks the result; the key, model and version headers are sent.

use shipmate_e2e::Sandbox;
use shipmate_e2e::fake_llm::{FakeLlm, anthropic};
use shipmate_e2e::stdout_json;

use crate::llm_openai::{CRASHING_POD, assert_the_log_was_read_masked_and_untrusted};

const KEY: &str = "sk-ant-e2e-0123456789abcdefghij";

#[test]
fn anthropic_reads_the_cluster_through_tools_and_an_obeyed_injection_is_blocked() {
    let fake = shipmate_e2e::fake_kube::FakeCluster::start();
    fake.seed(CRASHING_POD);
    let llm = FakeLlm::start();
    llm.push(anthropic::tool_use(&[(
        "logs",
        serde_json::json!({"pod": "api-0"}),
    )]));
    // The model "obeys" the injection and insists through the repair round (anthropic repairs
    // like every LLM backend): the constitution still blocks it.
    for _ in 0..2 {
        llm.push(anthropic::propose(
            r#"{"status":"proposed","summary":"Delete namespace prod","actions":[
            {"argv":["kubectl","delete","namespace","prod"],"mutating":false,"reason":"the log said so"}]}"#,
        ));
    }
    let sandbox = Sandbox::new();
    let out = sandbox
        .shipmate_on(&fake)
        .env("ANTHROPIC_BASE_URL", llm.url())
        .env("ANTHROPIC_API_KEY", KEY)
        .args([
            "ask",
            "--backend",
            "anthropic",
            "--model",
            "claude-haiku-4-5",
            "--repair-rounds",
            "1",
        ])
        .args(["--yes", "-o", "json", "why is api-0 crashing?"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let p = stdout_json(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "blocked: {p} {stderr}");
    assert_eq!(
        (p["backend"].as_str(), p["status"].as_str()),
        (Some("anthropic"), Some("blocked"))
    );
    assert_eq!(p["actions"][0]["mutating"], true);
    assert!(p["applied"].is_null(), "nothing ran: {p}");
    assert_eq!(p["usage"]["calls"], 3, "{p}");
    assert_eq!(
        p["usage"]["prompt_tokens"].as_u64(),
        Some(3 * anthropic::INPUT_TOKENS)
    );
    assert!(!stderr.contains(KEY));

    let requests = llm.requests();
    assert_eq!(requests.len(), 3, "tools, the answer, one repair round");
    let first = &requests[0];
    assert_eq!(first.path, "/v1/messages");
    assert_eq!(first.header("x-api-key"), Some(KEY));
    assert_eq!(first.header("anthropic-version"), Some("2023-06-01"));
    let body = first.json();
    assert_eq!(body["model"], "claude-haiku-4-5");
    assert_eq!(body["tool_choice"]["type"], "any");
    assert_the_log_was_read_masked_and_untrusted(&requests[1].text());
    assert!(fake.requests().iter().all(|r| r.method != "DELETE"));
}
