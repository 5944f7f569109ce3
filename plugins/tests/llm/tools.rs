//! The `openai` tool loop: read-only cluster tools called by the model, their results masked,
//! capped and marked untrusted, within bounds.

use serde_json::{Value, json};
use shipmate_e2e::fake_llm::openai;

use crate::common::{
    LOG_TOKEN, SCALE, SECRET_VALUE, TOOL_NAMES, assert_capped_untrusted_logs, assert_nothing_leaked,
};
use crate::openai::{make, messages};
use crate::scenarios::{self, OUTPUT_CAP};

#[tokio::test]
async fn tool_calls_then_a_proposal_with_masked_capped_untrusted_results() {
    let replies = [
        openai::tool_calls(&[
            ("get", json!({"kind": "secret", "name": "db"})),
            ("logs", json!({"pod": "api-0", "previous": true})),
        ]),
        openai::chat(SCALE),
    ];
    let reqs = scenarios::on_cluster(make, &replies).await;
    let first = reqs[0].json();
    let names = scenarios::tool_names(&first, "/function/name");
    assert_eq!(names, TOOL_NAMES);
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
    assert_capped_untrusted_logs(msgs[4]["content"].as_str().unwrap(), OUTPUT_CAP);
    assert_nothing_leaked(&reqs[1].text(), &[SECRET_VALUE, LOG_TOKEN]);
    assert!(
        reqs[1].body.len() < 24 * 1024,
        "request of {} bytes",
        reqs[1].body.len()
    );
    let roles: Vec<_> = messages(&second).into_iter().map(|(r, _)| r).collect();
    assert_eq!(roles, ["system", "user", "assistant", "tool", "tool"]);
}

#[tokio::test]
async fn a_model_that_keeps_calling_tools_is_stopped_by_the_bounds() {
    let turn = openai::tool_calls(&[("events", json!({})), ("api_resources", Value::Null)]);
    let third = scenarios::a_tool_loop_is_bounded(make, turn).await.json();
    let last = third["messages"].as_array().unwrap().last().unwrap()["content"].clone();
    assert!(
        last.as_str()
            .unwrap()
            .contains("Tool budget exhausted (3 calls)"),
        "{last}"
    );
}
