//! The `ollama` backend against a scripted fake Ollama server (`/api/chat`, NDJSON streams).

use std::path::Path;

use serde_json::{Value, json};
use shipmate_e2e::fake_llm::{FakeLlm, Reply, ollama};
use shipmate_plugins::{
    Backend, BackendError, ClusterTools, OllamaBackend, OllamaConfig, Proposal, Status, Usage,
};

use shipmate_plugins::llm::ToolBounds;

use crate::common::{
    Cluster, REQUEST_SECRETS, REQUEST_WITH_SECRETS, SCALE, TOOL_NAMES, assert_repair_request,
    assert_tool_results_safe, capped, fast_http, function_names, hostile_reads, run,
};
use crate::openai::messages;
use crate::scenarios;

fn config(llm: &FakeLlm, answers: &Path) -> OllamaConfig {
    OllamaConfig::new()
        .base_url(llm.url().trim_start_matches("http://"))
        .model("fake-llama")
        .answer_dir(answers)
        .http(fast_http())
}

async fn ask(
    config: OllamaConfig,
    text: &str,
    tools: Option<&dyn ClusterTools>,
) -> (Result<Proposal, BackendError>, Usage) {
    let backend = OllamaBackend::new(config).expect("backend");
    run(&backend, text, tools).await
}

fn make_streaming(llm: &FakeLlm, answers: &Path, bounds: ToolBounds) -> Box<dyn Backend> {
    let config = config(llm, answers).tool_bounds(bounds).stream(true);
    Box::new(OllamaBackend::new(config).expect("backend"))
}

fn make(llm: &FakeLlm, answers: &Path, bounds: ToolBounds) -> Box<dyn Backend> {
    Box::new(OllamaBackend::new(config(llm, answers).tool_bounds(bounds)).expect("backend"))
}

#[tokio::test]
async fn a_proposal_is_parsed_and_the_request_is_exact_and_masked() {
    let llm = FakeLlm::start();
    llm.push(ollama::chat(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let (result, usage) = ask(config(&llm, dir.path()), REQUEST_WITH_SECRETS, None).await;
    let p = result.unwrap();
    assert_eq!((p.backend.as_str(), p.status), ("ollama", Status::Proposed));
    assert_eq!(
        (usage.calls, usage.prompt_tokens, usage.completion_tokens),
        (1, 90, 20)
    );

    let r = &llm.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/api/chat"));
    assert!(r.header("authorization").is_none(), "no key, no header");
    let body = r.json();
    assert_eq!(
        (body["model"].clone(), body["stream"].clone()),
        (json!("fake-llama"), json!(false))
    );
    let schema: Value =
        serde_json::from_str(include_str!("../../../prompts/proposal.schema.json")).unwrap();
    assert_eq!(body["format"], schema);
    assert!(body.get("tools").is_none());
    let msgs = messages(&body);
    assert_eq!((msgs[0].0.as_str(), msgs[1].0.as_str()), ("system", "user"));
    assert!(msgs[1].1.contains("[REDACTED]"));
    for secret in REQUEST_SECRETS {
        assert!(!r.text().contains(secret), "{secret} left the machine");
    }
}

#[tokio::test]
async fn tool_calls_then_a_proposal_with_masked_capped_untrusted_results() {
    let llm = FakeLlm::start();
    llm.push(ollama::tool_calls(&hostile_reads()));
    llm.push(ollama::chat(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path()).tool_bounds(capped());
    let (result, usage) = ask(cfg, "why is api-0 crashing?", Some(&Cluster)).await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(usage.calls, 2);
    let reqs = llm.requests();
    let first = reqs[0].json();
    assert_eq!(function_names(&first["tools"]), TOOL_NAMES);
    assert!(
        first.get("format").is_none(),
        "no schema grammar while tools are offered"
    );
    let second = reqs[1].json();
    let msgs = second["messages"].as_array().unwrap();
    assert_eq!(
        msgs[2]["tool_calls"][1]["function"]["arguments"]["pod"],
        "api-0"
    );
    assert_eq!(
        (msgs[3]["role"].as_str(), msgs[4]["tool_name"].as_str()),
        (Some("tool"), Some("logs"))
    );
    assert_tool_results_safe(msgs[4]["content"].as_str().unwrap(), &reqs[1].text());
}

#[tokio::test]
async fn a_model_without_tools_falls_back_to_json_in_text() {
    let llm = FakeLlm::start();
    llm.push(ollama::no_tools("fake-llama"));
    llm.push(ollama::chat(
        r#"{"tool_calls":[{"name":"logs","arguments":{"pod":"api-0"}}]}"#,
    ));
    llm.push(ollama::chat(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path()).tool_bounds(capped());
    let (result, _) = ask(cfg, "why is api-0 crashing?", Some(&Cluster)).await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs[0].json().get("tools").is_some());
    for r in &reqs[1..] {
        let body = r.json();
        assert!(body.get("tools").is_none(), "no native tools after the 400");
        assert_eq!(body["format"], "json");
        let system = body["messages"][0]["content"].as_str().unwrap();
        assert!(system.contains("\"tool_calls\"") && system.contains("\"explain\""));
    }
    let msgs = messages(&reqs[2].json());
    assert_eq!(msgs.len(), 4);
    assert_eq!(msgs[3].0, "user");
    assert!(msgs[3].1.starts_with("Result of `logs`:"), "{}", msgs[3].1);
    assert_tool_results_safe(&msgs[3].1, &reqs[2].text());
}

#[tokio::test]
async fn rate_limited_then_success_honours_retry_after() {
    let limited = Reply::status(429, "server busy").header("retry-after", "1");
    scenarios::retry_after_is_honoured(make, limited, ollama::chat(SCALE)).await;
}

#[tokio::test]
async fn a_500_storm_ends_in_a_clear_error() {
    let storm = scenarios::storm_500();
    scenarios::a_storm_ends_in_a_clear_error(make, storm, ollama::chat(SCALE)).await;
}

#[tokio::test]
async fn an_ndjson_stream_is_assembled_and_a_cut_one_retried_then_reported() {
    let cuts = [
        ollama::chat_stream_cut(SCALE, 5, 3),
        ollama::chat_stream_cut(SCALE, 5, 4),
    ];
    let whole = ollama::chat_stream(SCALE, 5);
    scenarios::a_cut_stream_is_retried_once_then_reported(make_streaming, cuts, whole).await;

    let llm = FakeLlm::start();
    llm.push(ollama::chat_stream(SCALE, 5));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path()).stream(true);
    let (result, usage) = ask(cfg, "scale web to 3", None).await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (90, 20));
    assert_eq!(llm.requests()[0].json()["stream"], true);
}

#[tokio::test]
async fn malformed_output_gets_one_repair_then_a_clear_error_with_the_saved_answer() {
    let replies = [
        ollama::chat("Sure! {not json"),
        ollama::chat(r#"{"status":"proposed"}"#),
        ollama::chat(SCALE),
    ];
    let saved = r#"{"status":"proposed"}"#;
    let repair = scenarios::a_malformed_answer_is_repaired_once_then_saved(make, replies, saved);
    let repair = messages(&repair.await.json());
    assert_eq!(repair[2], ("assistant".into(), "Sure! {not json".into()));
    assert_repair_request(&repair[3].1);
}
