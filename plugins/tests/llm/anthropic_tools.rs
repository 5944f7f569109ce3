//! The `anthropic` tool loop: `tool_use` turns answered with `tool_result`s that are masked,
//! capped and marked untrusted, then the `propose` call; within bounds.

use serde_json::json;
use shipmate_e2e::fake_llm::anthropic;

use crate::anthropic::make;
use crate::common::{
    LOG_TOKEN, SCALE, SECRET_VALUE, TOOL_NAMES, assert_capped_untrusted_logs, assert_nothing_leaked,
};
use crate::scenarios::{self, OUTPUT_CAP};

#[tokio::test]
async fn tool_use_then_a_proposal_with_masked_capped_untrusted_results() {
    let replies = [
        anthropic::tool_use(&[
            ("get", json!({"kind": "secret", "name": "db"})),
            ("logs", json!({"pod": "api-0", "previous": true})),
        ]),
        anthropic::propose(SCALE),
    ];
    let reqs = scenarios::on_cluster(make, &replies).await;
    let first = reqs[0].json();
    let names = scenarios::tool_names(&first, "/name");
    let mut expected = TOOL_NAMES.to_vec();
    expected.push("propose");
    assert_eq!(names, expected);
    assert_eq!(
        first["tools"][3]["input_schema"]["required"],
        json!(["pod"])
    );
    assert_eq!(first["tool_choice"], json!({"type": "any"}));

    let second = reqs[1].json();
    let msgs = second["messages"].as_array().unwrap();
    let roles: Vec<&str> = msgs.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
    assert_eq!(msgs[1]["content"][0]["type"], "text");
    assert_eq!(
        msgs[1]["content"][2],
        json!({"type": "tool_use", "id": "toolu_1", "name": "logs",
               "input": {"pod": "api-0", "previous": true}})
    );
    let results = msgs[2]["content"].as_array().unwrap();
    assert_eq!(
        (
            results[0]["type"].as_str(),
            results[0]["tool_use_id"].as_str()
        ),
        (Some("tool_result"), Some("toolu_0"))
    );
    let secret = results[0]["content"].as_str().unwrap();
    assert!(
        secret.contains("<untrusted-data source=\"get secret/db\">")
            && secret.contains("[REDACTED]")
    );
    assert_eq!(results[1]["tool_use_id"], "toolu_1");
    assert_capped_untrusted_logs(results[1]["content"].as_str().unwrap(), OUTPUT_CAP);
    assert_nothing_leaked(&reqs[1].text(), &[SECRET_VALUE, LOG_TOKEN]);
    assert!(
        reqs[1].body.len() < 24 * 1024,
        "request of {} bytes",
        reqs[1].body.len()
    );
}

#[tokio::test]
async fn a_model_that_keeps_calling_tools_is_stopped_by_the_bounds() {
    let turn = anthropic::tool_use(&[("events", json!({})), ("api_resources", json!({}))]);
    let third = scenarios::a_tool_loop_is_bounded(make, turn).await.json();
    let last = third["messages"].as_array().unwrap().last().unwrap()["content"][1].clone();
    assert!(
        last["content"]
            .as_str()
            .unwrap()
            .contains("Tool budget exhausted (3 calls)"),
        "{last}"
    );
}
