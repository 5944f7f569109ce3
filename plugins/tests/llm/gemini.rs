//! The `gemini` backend against a scripted fake Gemini API.

use std::path::Path;

use serde_json::{Value, json};
use shipmate_e2e::fake_llm::{FakeLlm, Reply, gemini};
use shipmate_plugins::{
    Backend, BackendError, ClusterTools, GeminiBackend, GeminiConfig, Proposal, Status, Usage,
};

use shipmate_plugins::llm::ToolBounds;

use crate::common::{
    Cluster, KEY, REQUEST_SECRETS, REQUEST_WITH_SECRETS, SCALE, TOOL_NAMES, assert_repair_request,
    assert_tool_results_safe, capped, configure, hostile_reads, run,
};
use crate::scenarios;

const PATH: &str = "/v1beta/models/fake-gemini:generateContent";

fn config(llm: &FakeLlm, answers: &Path) -> GeminiConfig {
    configure(GeminiConfig::new(), llm.url(), answers).model("fake-gemini")
}

async fn ask(
    config: GeminiConfig,
    text: &str,
    tools: Option<&dyn ClusterTools>,
) -> (Result<Proposal, BackendError>, Usage) {
    let backend = GeminiBackend::new(config).expect("backend");
    run(&backend, text, tools).await
}

fn make_streaming(llm: &FakeLlm, answers: &Path, bounds: ToolBounds) -> Box<dyn Backend> {
    let config = config(llm, answers).tool_bounds(bounds).stream(true);
    Box::new(GeminiBackend::new(config).expect("backend"))
}

fn make(llm: &FakeLlm, answers: &Path, bounds: ToolBounds) -> Box<dyn Backend> {
    Box::new(GeminiBackend::new(config(llm, answers).tool_bounds(bounds)).expect("backend"))
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
    let (result, usage) = ask(config(&llm, dir.path()), REQUEST_WITH_SECRETS, None).await;
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
    for secret in REQUEST_SECRETS {
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
    let limited = Reply::status(429, "Resource has been exhausted").header("retry-after", "1");
    scenarios::retry_after_is_honoured(make, limited, gemini::answer(SCALE)).await;
}

#[tokio::test]
async fn a_500_storm_ends_in_a_clear_error_without_the_key() {
    let storm = scenarios::storm_500();
    scenarios::a_storm_ends_in_a_clear_error(make, storm, gemini::answer(SCALE)).await;
}

#[tokio::test]
async fn a_streamed_answer_is_assembled_and_a_cut_stream_retried_then_reported() {
    let cuts = [
        gemini::answer_stream_cut(SCALE, 6, 3),
        gemini::answer_stream_cut(SCALE, 6, 4),
    ];
    let whole = gemini::answer_stream(SCALE, 6);
    scenarios::a_cut_stream_is_retried_once_then_reported(make_streaming, cuts, whole).await;

    let llm = FakeLlm::start();
    llm.push(gemini::answer_stream(SCALE, 6));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path()).stream(true);
    let (result, usage) = ask(cfg, "scale web to 3", None).await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(usage.completion_tokens, 25);
    let reqs = llm.requests();
    assert_eq!(
        (reqs[0].path.as_str(), reqs[0].query.as_str()),
        (
            "/v1beta/models/fake-gemini:streamGenerateContent",
            "alt=sse"
        ),
        "the key is never in the URL"
    );
}

#[tokio::test]
async fn malformed_output_gets_one_repair_then_a_clear_error_with_the_saved_answer() {
    let replies = [
        gemini::answer("Sure! {not json"),
        gemini::answer(r#"{"status":"proposed"}"#),
        gemini::answer(SCALE),
    ];
    let saved = r#"{"status":"proposed"}"#;
    let repair = scenarios::a_malformed_answer_is_repaired_once_then_saved(make, replies, saved);
    let repair = contents(&repair.await.json());
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
