//! The `gemini` backend against a scripted fake Gemini API.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shipmate_e2e::fake_llm::{FakeLlm, Reply, gemini};
use shipmate_plugins::{
    ApiKey, BackendError, ClusterTools, GeminiBackend, GeminiConfig, Proposal, Status, Usage,
};

use crate::common::{
    Cluster, KEY, LEAKED, LEAKY, SCALE, TOOL_NAMES, assert_repair_request,
    assert_saved_after_one_repair, assert_storm_error, assert_tool_results_safe, capped, fast_http,
    hostile_reads, push_500_storm, run,
};

const PATH: &str = "/v1beta/models/fake-gemini:generateContent";

fn config(llm: &FakeLlm, answers: &std::path::Path) -> GeminiConfig {
    GeminiConfig::new()
        .base_url(llm.url())
        .api_key(Some(ApiKey::new(KEY)))
        .model("fake-gemini")
        .answer_dir(answers)
        .http(fast_http())
}

async fn ask(
    config: GeminiConfig,
    text: &str,
    tools: Option<&dyn ClusterTools>,
) -> (Result<Proposal, BackendError>, Usage) {
    let backend = GeminiBackend::new(config).expect("backend");
    run(&backend, text, tools).await
}

/// `(role, first part)` of each entry of `contents`.
fn contents(body: &Value) -> Vec<(String, Value)> {
    body["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["role"].as_str().unwrap().to_owned(),
                c["parts"][0].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_proposal_is_parsed_and_the_request_is_exact_and_masked() {
    let llm = FakeLlm::start();
    llm.push(gemini::answer(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let (result, usage) = ask(config(&llm, dir.path()), LEAKY, None).await;
    let p = result.unwrap();
    assert_eq!((p.backend.as_str(), p.status), ("gemini", Status::Proposed));
    assert!(p.actions[0].mutating, "mutating is decided by shipmate");
    assert_eq!(
        (usage.calls, usage.prompt_tokens, usage.completion_tokens),
        (1, 110, 25)
    );

    let r = &llm.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_str()),
        ("POST", PATH, "")
    );
    assert_eq!(r.header("x-goog-api-key"), Some(KEY));
    assert!(r.header("authorization").is_none());
    let body = r.json();
    assert_eq!(
        body["generationConfig"],
        json!({"responseMimeType": "application/json"})
    );
    assert!(body.get("tools").is_none() && body.get("model").is_none());
    let system = body["systemInstruction"]["parts"][0]["text"]
        .as_str()
        .unwrap();
    assert!(system.contains("untrusted-data") && system.contains("\"needs_input\""));
    let c = contents(&body);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].0, "user");
    let user = c[0].1["text"].as_str().unwrap();
    assert!(user.contains("scale web to 3") && user.contains("Default namespace: shop"));
    assert!(user.contains("[REDACTED]"));
    let sent = r.text();
    for secret in LEAKED {
        assert!(!sent.contains(secret), "{secret} left the machine: {sent}");
    }
    for keyword in ["$ref", "$schema", "additionalProperties", "oneOf"] {
        assert!(!sent.contains(keyword), "{keyword} sent to Gemini");
    }
}

#[tokio::test]
async fn function_calls_then_a_proposal_with_masked_capped_untrusted_results() {
    let llm = FakeLlm::start();
    llm.push(gemini::function_calls(&hostile_reads()));
    llm.push(gemini::answer(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path()).tool_bounds(capped());
    let (result, usage) = ask(cfg, "why is api-0 crashing?", Some(&Cluster)).await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(usage.calls, 2);

    let reqs = llm.requests();
    let first = reqs[0].json();
    assert!(
        first.get("generationConfig").is_none(),
        "no JSON mode with tools"
    );
    let decls = first["tools"][0]["functionDeclarations"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = decls.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, TOOL_NAMES);
    assert_eq!(decls[3]["parameters"]["required"], json!(["pod"]));
    assert!(
        decls[5].get("parameters").is_none(),
        "no empty object schema"
    );

    let second = reqs[1].json();
    let c = contents(&second);
    let roles: Vec<&str> = c.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(roles, ["user", "model", "user"]);
    assert_eq!(
        c[1].1["thoughtSignature"], "c2lnbmF0dXJl",
        "the model turn is replayed"
    );
    let responses = second["contents"][2]["parts"].as_array().unwrap();
    assert_eq!(responses.len(), 2);
    assert_eq!(responses[0]["functionResponse"]["name"], "get");
    let logs = responses[1]["functionResponse"]["response"]["content"]
        .as_str()
        .unwrap();
    assert_tool_results_safe(logs, &reqs[1].text());
}

#[tokio::test]
async fn rate_limited_then_success_honours_retry_after() {
    let llm = FakeLlm::start();
    llm.push(Reply::status(429, "Resource has been exhausted").header("retry-after", "1"));
    llm.push(gemini::answer(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (result, _) = ask(config(&llm, dir.path()), "scale web to 3", None).await;
    assert_eq!(result.unwrap().status, Status::Proposed);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After ignored"
    );
    assert_eq!(llm.requests().len(), 2);
}

#[tokio::test]
async fn a_500_storm_ends_in_a_clear_error_without_the_key() {
    let llm = FakeLlm::start();
    push_500_storm(&llm);
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()), "scale web to 3", None).await;
    assert_storm_error(&result.unwrap_err(), "gemini", &llm);
}

#[tokio::test]
async fn a_streamed_answer_is_assembled_and_a_cut_stream_retried_then_reported() {
    let llm = FakeLlm::start();
    llm.push(gemini::answer_stream_cut(SCALE, 6, 2));
    llm.push(gemini::answer_stream(SCALE, 6));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path()).stream(true);
    let (result, usage) = ask(cfg.clone(), "scale web to 3", None).await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(usage.completion_tokens, 25);
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        (reqs[0].path.as_str(), reqs[0].query.as_str()),
        (
            "/v1beta/models/fake-gemini:streamGenerateContent",
            "alt=sse"
        ),
        "the key is never in the URL"
    );

    let llm = FakeLlm::start();
    llm.push(gemini::answer_stream_cut(SCALE, 6, 3));
    llm.push(gemini::answer_stream_cut(SCALE, 6, 4));
    let cfg = cfg.base_url(llm.url());
    let (result, _) = ask(cfg, "scale web to 3", None).await;
    let err = result.unwrap_err();
    assert!(matches!(err, BackendError::StreamCut { .. }), "{err:?}");
    assert!(err.to_string().contains("broke off"), "{err}");
}

#[tokio::test]
async fn malformed_output_gets_one_repair_then_a_clear_error_with_the_saved_answer() {
    let llm = FakeLlm::start();
    llm.push(gemini::answer("Sure! {not json"));
    llm.push(gemini::answer(r#"{"status":"proposed"}"#));
    llm.push(gemini::answer(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let (result, usage) = ask(config(&llm, dir.path()), "scale web to 3", None).await;
    assert_saved_after_one_repair(
        &result.unwrap_err(),
        dir.path(),
        r#"{"status":"proposed"}"#,
        &llm,
    );
    assert_eq!(usage.calls, 2);
    let repair = contents(&llm.requests()[1].json());
    assert_eq!(
        repair[1],
        ("model".into(), json!({"text": "Sure! {not json"}))
    );
    assert_eq!(repair[2].0, "user");
    assert_repair_request(repair[2].1["text"].as_str().unwrap());
}

#[tokio::test]
async fn a_withheld_answer_is_a_clear_error_and_not_retried() {
    let llm = FakeLlm::start();
    llm.push(gemini::stopped("SAFETY"));
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()), "scale web to 3", None).await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("backend `gemini`") && text.contains("finishReason SAFETY"),
        "{text}"
    );
    assert_eq!(llm.requests().len(), 1);
}

#[test]
fn the_key_is_required_for_google_itself_and_never_printed() {
    let llm = FakeLlm::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path());
    let backend = GeminiBackend::new(cfg.clone()).unwrap();
    assert!(!format!("{cfg:?} {backend:?}").contains(KEY));
    let err = GeminiBackend::new(GeminiConfig::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains("set GEMINI_API_KEY"), "{err}");
    let err = GeminiBackend::new(cfg.model("a/b"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a Gemini model name"), "{err}");
}
