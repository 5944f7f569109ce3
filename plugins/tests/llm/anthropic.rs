//! The `anthropic` backend against a scripted fake Messages API server.

use std::path::Path;

use serde_json::{Value, json};
use shipmate_e2e::fake_llm::{FakeLlm, anthropic};
use shipmate_plugins::llm::ToolBounds;
use shipmate_plugins::{
    AnthropicBackend, AnthropicConfig, Backend, BackendError, Proposal, Status, Usage, llm::prompts,
};

use crate::common::{
    KEY, REQUEST_SECRETS, REQUEST_WITH_SECRETS, SCALE, assert_nothing_leaked, configure,
    proposal_schema, run,
};
use crate::scenarios;

pub fn config(llm: &FakeLlm, answers: &Path) -> AnthropicConfig {
    configure(AnthropicConfig::new(), llm.url(), answers)
}

pub fn make(llm: &FakeLlm, answers: &Path, bounds: ToolBounds) -> Box<dyn Backend> {
    Box::new(AnthropicBackend::new(config(llm, answers).tool_bounds(bounds)).unwrap())
}

fn make_streaming(llm: &FakeLlm, answers: &Path, bounds: ToolBounds) -> Box<dyn Backend> {
    let config = config(llm, answers).tool_bounds(bounds).stream(true);
    Box::new(AnthropicBackend::new(config).unwrap())
}

/// Runs one request without cluster tools.
async fn ask(config: AnthropicConfig, text: &str) -> (Result<Proposal, BackendError>, Usage) {
    run(&AnthropicBackend::new(config).expect("backend"), text, None).await
}

#[tokio::test]
async fn a_proposal_is_parsed_and_the_request_is_exact_and_masked() {
    let llm = FakeLlm::start();
    llm.push(anthropic::propose(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path()).max_tokens(2048);
    let (result, usage) = ask(cfg, REQUEST_WITH_SECRETS).await;
    let p = result.unwrap();
    assert_eq!(
        (p.backend.as_str(), p.request.as_str(), p.status),
        ("anthropic", REQUEST_WITH_SECRETS, Status::Proposed)
    );
    assert!(p.actions[0].mutating, "mutating is decided by shipmate");
    assert_eq!(
        (usage.calls, usage.prompt_tokens, usage.completion_tokens),
        (1, anthropic::INPUT_TOKENS, anthropic::OUTPUT_TOKENS)
    );

    let reqs = llm.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/messages")
    );
    assert_eq!(r.header("x-api-key"), Some(KEY));
    assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("authorization"), None);
    let body = r.json();
    assert_eq!(
        (body["model"].as_str(), body["max_tokens"].as_u64()),
        (Some("fake-model"), Some(2048))
    );
    assert_eq!(body["system"], prompts::SYSTEM);
    assert!(body.get("stream").is_none());
    assert_eq!(
        body["tools"],
        json!([{"name": "propose", "description": body["tools"][0]["description"],
                "input_schema": proposal_schema()}]),
        "no cluster: only the propose tool"
    );
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "propose"})
    );
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["role"], "user");
    let first = messages[0]["content"].as_str().unwrap();
    assert!(first.contains("scale web to 3") && first.contains("Default namespace: shop"));
    assert!(first.contains("[REDACTED]"));
    assert_nothing_leaked(&r.text(), &REQUEST_SECRETS);
}

#[tokio::test]
async fn rate_limited_then_success_honours_retry_after() {
    let (limited, ok) = (anthropic::rate_limited(1), anthropic::propose(SCALE));
    scenarios::retry_after_is_honoured(make, limited, ok).await;
}

#[tokio::test]
async fn an_overloaded_storm_ends_in_a_clear_error_without_the_key() {
    let internal = anthropic::error(500, "api_error", &format!("internal error for {KEY}"));
    let storm = [anthropic::overloaded(), internal, anthropic::overloaded()];
    scenarios::a_storm_ends_in_a_clear_error(make, storm, anthropic::propose(SCALE)).await;
}

#[tokio::test]
async fn a_refused_key_is_not_retried_and_names_the_variable() {
    let llm = FakeLlm::start();
    llm.push(anthropic::error(
        401,
        "authentication_error",
        "invalid x-api-key",
    ));
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()), "x").await;
    let text = result.unwrap_err().to_string();
    assert!(text.contains("ANTHROPIC_API_KEY"), "{text}");
    assert_eq!(llm.requests().len(), 1);
}

#[tokio::test]
async fn a_streamed_answer_is_assembled_with_its_usage() {
    let llm = FakeLlm::start();
    llm.push(anthropic::stream(SCALE, 9));
    let dir = tempfile::tempdir().unwrap();
    let (result, usage) = ask(config(&llm, dir.path()).stream(true), "scale web to 3").await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(
        (usage.prompt_tokens, usage.completion_tokens),
        (anthropic::INPUT_TOKENS, anthropic::OUTPUT_TOKENS)
    );
    assert_eq!(llm.requests()[0].json()["stream"], true);
}

#[tokio::test]
async fn a_stream_cut_mid_answer_is_retried_once_then_reported() {
    let cuts = [
        anthropic::stream_cut(SCALE, 9, 5),
        anthropic::stream_cut(SCALE, 9, 8),
    ];
    let whole = anthropic::stream(SCALE, 9);
    scenarios::a_cut_stream_is_retried_once_then_reported(make_streaming, cuts, whole).await;
}

#[tokio::test]
async fn an_error_event_mid_stream_is_reported() {
    let llm = FakeLlm::start();
    llm.push(anthropic::stream_error(SCALE, 9));
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()).stream(true), "scale web to 3").await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("ended the stream with an error (overloaded_error: Overloaded)"),
        "{text}"
    );
}

#[tokio::test]
async fn a_malformed_proposal_gets_one_repair_then_a_clear_error_with_the_saved_answer() {
    let saved = r#"{"status":"proposed"}"#;
    let replies = [
        anthropic::propose(r#"{"summary":"no status"}"#),
        anthropic::propose(saved),
        anthropic::propose(SCALE),
    ];
    let repair = scenarios::a_malformed_answer_is_repaired_once_then_saved(make, replies, saved);
    let repair = repair.await.json();
    let messages = repair["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1]["content"][0]["type"], "tool_use");
    assert_eq!(
        messages[1]["content"][0]["input"],
        json!({"summary": "no status"})
    );
    let result = &messages[2]["content"][0];
    assert_eq!(
        (
            result["type"].as_str(),
            result["tool_use_id"].as_str(),
            result["is_error"].as_bool()
        ),
        (Some("tool_result"), Some("toolu_propose"), Some(true))
    );
    let text = result["content"].as_str().unwrap();
    assert!(
        text.starts_with("Your previous answer could not be used: it is not a valid proposal"),
        "{result}"
    );
}

#[tokio::test]
async fn a_model_that_ignores_the_tools_is_read_as_json_text_and_repaired_as_text() {
    let llm = FakeLlm::start();
    llm.push(anthropic::text("Sure! Scaling now."));
    llm.push(anthropic::text(&format!("```json\n{SCALE}\n```")));
    let dir = tempfile::tempdir().unwrap();
    let (result, usage) = ask(config(&llm, dir.path()), "scale web to 3").await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(usage.calls, 2);
    let repair = llm.requests()[1].json();
    let messages: Vec<Value> = repair["messages"].as_array().unwrap().clone();
    assert_eq!(
        messages[1],
        json!({"role": "assistant", "content": [{"type": "text", "text": "Sure! Scaling now."}]})
    );
    assert_eq!(messages[2]["role"], "user");
    assert!(
        messages[2]["content"]
            .as_str()
            .unwrap()
            .contains("not a valid proposal")
    );
}

#[test]
fn the_key_is_required_for_anthropic_itself_and_never_printed() {
    let llm = FakeLlm::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path());
    let backend = AnthropicBackend::new(cfg.clone()).unwrap();
    assert!(!format!("{cfg:?} {backend:?}").contains(KEY));
    let err = AnthropicBackend::new(AnthropicConfig::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains("set ANTHROPIC_API_KEY"), "{err}");
    let err = AnthropicBackend::new(AnthropicConfig::new().base_url("api.anthropic.com"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("http://") && err.contains("ANTHROPIC_BASE_URL"),
        "{err}"
    );
    assert_eq!(AnthropicConfig::DEFAULT_MODEL, "claude-sonnet-4-5");
    assert_eq!(AnthropicConfig::new().max_tokens(0).settings.max_tokens, 1);
}
