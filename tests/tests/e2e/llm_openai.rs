//! `shipmate ask --backend openai` against the fake provider: the whole pipeline (validation,
//! gates, exit codes) runs on what the model proposes, and nothing secret leaves the machine.

use std::process::Output;

use shipmate_e2e::fake_llm::{FakeLlm, openai};
use shipmate_e2e::{Sandbox, stdout_json};

const KEY: &str = "sk-e2e-0123456789abcdefghij";

/// Runs `shipmate ask --backend openai --output json --no-apply REQUEST` against `llm`.
fn ask_openai(sandbox: &Sandbox, llm: &FakeLlm, request: &str) -> Output {
    sandbox
        .shipmate()
        .env("OPENAI_BASE_URL", llm.base_url())
        .env("OPENAI_API_KEY", KEY)
        .args([
            "ask",
            "--backend",
            "openai",
            "--output",
            "json",
            "--no-apply",
            request,
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run shipmate")
}

#[test]
fn a_proposal_from_the_model_goes_through_the_pipeline() {
    let llm = FakeLlm::start();
    llm.push(openai::chat(
        r#"{"status":"proposed","summary":"Scale web to 3","actions":[
            {"argv":["kubectl","scale","deployment/web","--replicas=3"],"mutating":false,"reason":"asked"}]}"#,
    ));
    let sandbox = Sandbox::new();
    let request = "scale web to 3, db url postgres://app:pa55w0rd-e2e@db/app";
    let out = ask_openai(&sandbox, &llm, request);
    let p = stdout_json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        (p["backend"].as_str(), p["status"].as_str()),
        (Some("openai"), Some("proposed"))
    );
    assert_eq!(p["request"], request);
    assert_eq!(p["actions"][0]["mutating"], true);
    assert_eq!(p["usage"]["calls"], 1, "usage is reported: {p}");
    assert!(p["usage"]["prompt_tokens"].as_u64().unwrap() > 0, "{p}");
    let sent = llm.requests()[0].text();
    assert!(!sent.contains("pa55w0rd-e2e"), "{sent}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(KEY));
}

#[test]
fn model_picks_the_model_sent_to_the_provider() {
    let llm = FakeLlm::start();
    llm.push(openai::chat(r#"{"status":"not_understood","summary":"?"}"#));
    let sandbox = Sandbox::new();
    let out = sandbox
        .shipmate()
        .env("OPENAI_BASE_URL", llm.base_url())
        .env("OPENAI_API_KEY", KEY)
        .args(["ask", "--backend", "openai", "--model", "qwen2.5-coder:7b"])
        .args(["--output", "json", "--no-apply", "hello"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let _ = stdout_json(&out);
    let body: serde_json::Value = serde_json::from_str(&llm.requests()[0].text()).unwrap();
    assert_eq!(body["model"], "qwen2.5-coder:7b");
}

#[test]
fn a_model_that_obeys_an_injection_is_blocked_by_the_constitution() {
    let llm = FakeLlm::start();
    llm.push(openai::chat(
        r#"{"status":"proposed","summary":"As instructed","actions":[
            {"argv":["kubectl","delete","namespace","kube-system"],"reason":"the log said so"}]}"#,
    ));
    let sandbox = Sandbox::new();
    let out = ask_openai(&sandbox, &llm, "why is api-0 crashing?");
    let p = stdout_json(&out);
    assert_eq!(out.status.code(), Some(3), "{p:#}");
    assert_eq!(p["status"], "blocked");
}

#[test]
fn malformed_answers_end_in_exit_1_with_the_answer_saved_in_the_state_dir() {
    let llm = FakeLlm::start();
    llm.push(openai::chat("not json"));
    llm.push(openai::chat("still not json"));
    let sandbox = Sandbox::new();
    let out = ask_openai(&sandbox, &llm, "scale web to 3");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not a valid proposal after 1 repair request"),
        "{stderr}"
    );
    let dir = sandbox.state_home().join("shipmate").join("answers");
    let saved: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(saved.len(), 1);
    assert!(
        stderr.contains(&saved[0].path().display().to_string()),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(saved[0].path()).unwrap(),
        "still not json"
    );
    assert_eq!(llm.requests().len(), 2);
}
