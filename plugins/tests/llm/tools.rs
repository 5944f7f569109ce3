//! The `openai` tool loop: read-only cluster tools called by the model, their results masked,
//! capped and marked untrusted, within bounds.

use serde_json::{Value, json};
use shipmate_e2e::fake_llm::{FakeLlm, openai};
use shipmate_plugins::llm::ToolBounds;
use shipmate_plugins::{BackendError, OpenAiBackend, OpenAiConfig, Proposal, Usage};

use crate::common::{
    Cluster, SCALE, TOOL_NAMES, assert_tool_results_safe, capped, function_names, hostile_reads,
    run,
};
use crate::openai::{config, messages};

async fn ask_with_tools(cfg: OpenAiConfig) -> (Result<Proposal, BackendError>, Usage) {
    let backend = OpenAiBackend::new(cfg).unwrap();
    run(&backend, "why is api-0 crashing?", Some(&Cluster)).await
}

#[tokio::test]
async fn tool_calls_then_a_proposal_with_masked_capped_untrusted_results() {
    let llm = FakeLlm::start();
    llm.push(openai::tool_calls(&hostile_reads()));
    llm.push(openai::chat(SCALE));
    let dir = tempfile::tempdir().unwrap();
    let (result, usage) = ask_with_tools(config(&llm, dir.path()).tool_bounds(capped())).await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(usage.calls, 2);

    let reqs = llm.requests();
    let first = reqs[0].json();
    assert_eq!(function_names(&first["tools"]), TOOL_NAMES);
    assert_eq!(
        first["tools"][3]["function"]["parameters"]["required"],
        json!(["pod"])
    );

    let second = reqs[1].json();
    let msgs = second["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 5);
    assert_eq!(msgs[2]["tool_calls"][1]["function"]["name"], "logs");
    assert_eq!(
        (msgs[3]["role"].as_str(), msgs[3]["tool_call_id"].as_str()),
        (Some("tool"), Some("call_0"))
    );
    assert_eq!(msgs[4]["tool_call_id"], "call_1");
    let logs = msgs[4]["content"].as_str().unwrap();
    assert_tool_results_safe(logs, &reqs[1].text());
    let roles: Vec<_> = messages(&second).into_iter().map(|(r, _)| r).collect();
    assert_eq!(roles, ["system", "user", "assistant", "tool", "tool"]);
}

#[tokio::test]
async fn a_model_that_keeps_calling_tools_is_stopped_by_the_bounds() {
    let llm = FakeLlm::start();
    for _ in 0..4 {
        llm.push(openai::tool_calls(&[
            ("events", json!({})),
            ("api_resources", Value::Null),
        ]));
    }
    let dir = tempfile::tempdir().unwrap();
    let bounds = ToolBounds {
        max_rounds: 2,
        max_calls: 3,
        ..ToolBounds::default()
    };
    let (result, usage) = ask_with_tools(config(&llm, dir.path()).tool_bounds(bounds)).await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("kept asking for tools (2 rounds, 3 calls)"),
        "{err}"
    );
    assert_eq!((llm.requests().len(), usage.calls), (3, 3));
    let third = llm.requests()[2].json();
    let last = third["messages"].as_array().unwrap().last().unwrap()["content"].clone();
    assert!(
        last.as_str()
            .unwrap()
            .contains("Tool budget exhausted (3 calls)"),
        "{last}"
    );
}
