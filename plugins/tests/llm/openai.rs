//! The `openai` backend against a scripted fake Chat Completions server.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use shipmate_e2e::fake_llm::{FakeLlm, Reply, openai};
use shipmate_plugins::llm::ToolBounds;
use shipmate_plugins::{Backend, BackendError, OpenAiBackend, OpenAiConfig, Proposal, Status};

use crate::common::{
    KEY, REQUEST_SECRETS, REQUEST_WITH_SECRETS, SCALE, assert_nothing_leaked, configure,
    proposal_schema, run,
};
use crate::scenarios;

pub fn config(llm: &FakeLlm, answers: &Path) -> OpenAiConfig {
    configure(OpenAiConfig::new(), llm.base_url(), answers)
}

pub fn make(llm: &FakeLlm, answers: &Path, bounds: ToolBounds) -> Box<dyn Backend> {
    Box::new(OpenAiBackend::new(config(llm, answers).tool_bounds(bounds)).unwrap())
}

fn make_streaming(llm: &FakeLlm, answers: &Path, bounds: ToolBounds) -> Box<dyn Backend> {
    let config = config(llm, answers).tool_bounds(bounds).stream(true);
    Box::new(OpenAiBackend::new(config).unwrap())
}

/// Runs one request; returns the result and the usage the context metered.
async fn ask(
    config: OpenAiConfig,
    text: &str,
) -> (Result<Proposal, BackendError>, shipmate_plugins::Usage) {
    run(&OpenAiBackend::new(config).expect("backend"), text, None).await
}

pub fn messages(body: &Value) -> Vec<(String, String)> {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let content = m["content"].as_str().unwrap_or_default().to_owned();
            (m["role"].as_str().unwrap().to_owned(), content)
        })
        .collect()
}

#[tokio::test]
async fn a_proposal_is_parsed_and_the_request_is_exact_and_masked() {
    let llm = FakeLlm::start();
    llm.push(openai::chat(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let text = REQUEST_WITH_SECRETS;
    let (result, usage) = ask(config(&llm, dir.path()), text).await;
    let p = result.unwrap();
    assert_eq!(
        (p.backend.as_str(), p.request.as_str(), p.status),
        ("openai", text, Status::Proposed)
    );
    assert!(p.actions[0].mutating, "mutating is decided by shipmate");
    assert_eq!(
        (usage.calls, usage.prompt_tokens, usage.completion_tokens),
        (1, 120, 30)
    );

    let reqs = llm.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    assert_eq!(body["model"], "fake-model");
    assert!(body.get("tools").is_none(), "no cluster, no tools offered");
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(
        body["response_format"]["json_schema"]["schema"],
        proposal_schema()
    );
    let msgs = messages(&body);
    assert_eq!(msgs[0].0, "system");
    assert!(msgs[0].1.contains("untrusted-data"));
    assert_eq!(msgs[1].0, "user");
    assert!(msgs[1].1.contains("scale web to 3") && msgs[1].1.contains("Default namespace: shop"));
    assert_nothing_leaked(&r.text(), &REQUEST_SECRETS);
    assert!(msgs[1].1.contains("[REDACTED]"));
}

#[tokio::test]
async fn rate_limited_then_success_honours_retry_after() {
    let limited = Reply::status(429, "Rate limit reached").header("retry-after", "1");
    scenarios::retry_after_is_honoured(make, limited, openai::chat(SCALE)).await;
}

#[tokio::test]
async fn a_500_storm_ends_in_a_clear_error_after_the_bounded_attempts() {
    let storm = scenarios::storm_500();
    scenarios::a_storm_ends_in_a_clear_error(make, storm, openai::chat(SCALE)).await;
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let llm = FakeLlm::start();
    llm.push(Reply::DropConnection);
    llm.push(openai::chat(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()), "scale web to 3").await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(llm.requests().len(), 2);
}

#[tokio::test]
async fn an_unreachable_server_names_the_url_and_what_to_check() {
    let llm = FakeLlm::start();
    for _ in 0..3 {
        llm.push(Reply::DropConnection);
    }
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()), "x").await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("cannot reach") && text.contains("OPENAI_BASE_URL"),
        "{text}"
    );
}

#[tokio::test]
async fn a_refused_key_is_not_retried_nor_printed() {
    let llm = FakeLlm::start();
    llm.push(Reply::status(
        401,
        &format!("Incorrect API key provided: {KEY}"),
    ));
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()), "x").await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("refused the API key") && text.contains("OPENAI_API_KEY"),
        "{text}"
    );
    assert!(!text.contains(KEY));
    assert_eq!(llm.requests().len(), 1);
}

#[tokio::test]
async fn malformed_output_gets_one_repair_then_a_clear_error_with_the_saved_answer() {
    let replies = [
        openai::chat("Sure! Here is your deployment: {not json"),
        openai::chat(r#"{"status":"proposed"}"#),
        openai::chat(SCALE),
    ];
    let saved = r#"{"status":"proposed"}"#;
    let repair = scenarios::a_malformed_answer_is_repaired_once_then_saved(make, replies, saved);
    let repair = messages(&repair.await.json());
    assert_eq!(repair.len(), 4);
    assert_eq!(
        repair[2],
        (
            "assistant".into(),
            "Sure! Here is your deployment: {not json".into()
        )
    );
    assert!(
        repair[3]
            .1
            .starts_with("Your previous answer could not be used: it is not a valid proposal")
    );
}

#[tokio::test]
async fn a_repaired_answer_is_accepted() {
    let llm = FakeLlm::start();
    llm.push(openai::chat(
        r#"{"status":"proposed","summary":"s","actions":[{"argv":["sh","-c","x"]}]}"#,
    ));
    llm.push(openai::chat(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let (result, usage) = ask(config(&llm, dir.path()), "scale web to 3").await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!((usage.calls, usage.prompt_tokens), (2, 240));
    let repair = messages(&llm.requests()[1].json());
    assert!(
        repair[3].1.contains("must start with \"kubectl\""),
        "{:?}",
        repair[3]
    );
}

#[tokio::test]
async fn a_refusal_is_not_understood() {
    let llm = FakeLlm::start();
    llm.push(openai::refusal("I can't help with that."));
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()), "hack the planet").await;
    let p = result.unwrap();
    assert_eq!(p.status, Status::NotUnderstood);
    assert!(p.summary.contains("I can't help with that."));
}

#[tokio::test]
async fn a_streamed_answer_is_assembled_with_its_usage() {
    let llm = FakeLlm::start();
    llm.push(openai::chat_stream(SCALE, 7));
    let dir = tempfile::tempdir().unwrap();
    let (result, usage) = ask(config(&llm, dir.path()).stream(true), "scale web to 3").await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(usage.completion_tokens, 30);
    let body = llm.requests()[0].json();
    assert_eq!(
        (
            body["stream"].clone(),
            body["stream_options"]["include_usage"].clone()
        ),
        (true.into(), true.into())
    );
}

#[tokio::test]
async fn a_stream_cut_mid_answer_is_retried_once_then_reported() {
    let cuts = [
        openai::chat_stream_cut(SCALE, 7, 3),
        openai::chat_stream_cut(SCALE, 7, 5),
    ];
    let whole = openai::chat_stream(SCALE, 7);
    scenarios::a_cut_stream_is_retried_once_then_reported(make_streaming, cuts, whole).await;
}

#[test]
fn the_key_never_shows_in_debug_output_and_is_required_for_openai_itself() {
    let llm = FakeLlm::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&llm, dir.path());
    let backend = OpenAiBackend::new(cfg.clone()).unwrap();
    assert!(!format!("{cfg:?} {backend:?}").contains(KEY));
    let err = OpenAiBackend::new(OpenAiConfig::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains("set OPENAI_API_KEY"), "{err}");
    let err = OpenAiBackend::new(OpenAiConfig::new().base_url("localhost:8080")).unwrap_err();
    assert!(err.to_string().contains("http://"), "{err}");
}

#[tokio::test]
async fn a_long_retry_after_ends_at_once_and_says_so() {
    let llm = FakeLlm::start();
    llm.push(Reply::status(429, "quota exceeded").header("retry-after", "3600"));
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (result, _) = ask(config(&llm, dir.path()), "x").await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("asks to wait 3600s, more than the 60s allowed"),
        "{text}"
    );
    assert!(text.contains("quota exceeded"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(llm.requests().len(), 1);
}

#[tokio::test]
async fn wrong_urls_and_non_api_servers_say_what_to_check() {
    let llm = FakeLlm::start();
    llm.push(Reply::status(404, "The model `fake-model` does not exist"));
    llm.push(Reply::Body {
        status: 200,
        headers: Vec::new(),
        content_type: "text/html".into(),
        body: b"<html>welcome</html>".to_vec(),
    });
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = ask(config(&llm, dir.path()), "x").await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("HTTP 404") && text.contains("check the base URL and the model name"),
        "{text}"
    );
    assert!(text.contains("does not exist"), "{text}");
    let (result, _) = ask(config(&llm, dir.path()), "x").await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("not JSON") && text.contains("check the base URL"),
        "{text}"
    );
}
