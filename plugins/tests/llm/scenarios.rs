//! Failure scenarios every HTTP backend must pass, scripted with provider-specific replies:
//! each test module supplies the replies and how to build its backend.

use std::path::Path;
use std::time::{Duration, Instant};

use shipmate_e2e::fake_llm::{FakeLlm, Recorded, Reply};
use shipmate_plugins::llm::ToolBounds;
use shipmate_plugins::{Backend, BackendError, Proposal, Status, Usage};

use crate::common::{Cluster, KEY, assert_saved_after_one_repair, run};

/// Builds a backend against a fake server, saving answers under a directory, with tool
/// bounds.
pub type Make = fn(&FakeLlm, &Path, ToolBounds) -> Box<dyn Backend>;

/// One scripted request and what came of it.
pub struct Run {
    /// The fake, for the requests it received.
    pub llm: FakeLlm,
    /// What the backend returned.
    pub result: Result<Proposal, BackendError>,
    /// The usage the context metered.
    pub usage: Usage,
    /// Where unusable answers were saved.
    pub dir: tempfile::TempDir,
}

/// Pushes `replies` to a new fake and runs one request against it: `scale web to 3` without
/// a cluster, or, with `bounds`, `why is api-0 crashing?` on [`Cluster`].
pub async fn scripted(make: Make, replies: &[Reply], bounds: Option<ToolBounds>) -> Run {
    let llm = FakeLlm::start();
    for reply in replies {
        llm.push(reply.clone());
    }
    let dir = tempfile::tempdir().unwrap();
    let backend = make(&llm, dir.path(), bounds.unwrap_or_default());
    let (result, usage) = match bounds {
        None => run(backend.as_ref(), "scale web to 3", None).await,
        Some(_) => run(backend.as_ref(), "why is api-0 crashing?", Some(&Cluster)).await,
    };
    Run {
        llm,
        result,
        usage,
        dir,
    }
}

/// The cap on one tool's output in [`on_cluster`].
pub const OUTPUT_CAP: usize = 4096;

/// [`scripted`] on [`Cluster`], tool output capped at [`OUTPUT_CAP`] bytes; checks that the
/// request succeeded in two model calls (a tool turn, then the proposal) and returns the
/// requests.
pub async fn on_cluster(make: Make, replies: &[Reply]) -> Vec<Recorded> {
    let bounds = ToolBounds {
        max_output_bytes: OUTPUT_CAP,
        ..ToolBounds::default()
    };
    let run = scripted(make, replies, Some(bounds)).await;
    assert_eq!(run.result.unwrap().summary, "Scale web to 3");
    assert_eq!(run.usage.calls, 2);
    run.llm.requests()
}

/// The names at `pointer` in each of `body`'s `tools`.
pub fn tool_names<'a>(body: &'a serde_json::Value, pointer: &str) -> Vec<&'a str> {
    let tools = body["tools"].as_array().expect("tools offered");
    tools
        .iter()
        .map(|t| t.pointer(pointer).and_then(|n| n.as_str()).unwrap())
        .collect()
}

/// A model that asks for tools on every turn (`tool_turn`, two calls) is stopped after two
/// rounds, having run three calls; returns the third request (whose last message says the
/// budget is exhausted) for provider-specific checks.
pub async fn a_tool_loop_is_bounded(make: Make, tool_turn: Reply) -> Recorded {
    let bounds = ToolBounds {
        max_rounds: 2,
        max_calls: 3,
        ..ToolBounds::default()
    };
    let replies = vec![tool_turn; 4];
    let Run {
        llm, result, usage, ..
    } = scripted(make, &replies, Some(bounds)).await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("kept asking for tools (2 rounds, 3 calls)"),
        "{err}"
    );
    assert_eq!((llm.requests().len(), usage.calls), (3, 3));
    llm.requests().swap_remove(2)
}

/// `limited` (which asks to wait one second) then `ok`: the proposal, after the wait.
pub async fn retry_after_is_honoured(make: Make, limited: Reply, ok: Reply) {
    let started = Instant::now();
    let Run {
        llm, result, usage, ..
    } = scripted(make, &[limited, ok], None).await;
    assert_eq!(result.unwrap().status, Status::Proposed);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured"
    );
    assert_eq!((llm.requests().len(), usage.calls), (2, 1));
}

/// Three HTTP 500s whose message quotes the key, for [`a_storm_ends_in_a_clear_error`].
pub fn storm_500() -> [Reply; 3] {
    let error = Reply::status(500, &format!("internal error for key {KEY}"));
    [error.clone(), error.clone(), error]
}

/// Failing `replies` (then `ok`, never asked for): a clear error after 3 attempts naming the
/// last status, without the key.
pub async fn a_storm_ends_in_a_clear_error(make: Make, replies: [Reply; 3], ok: Reply) {
    let last = match &replies[2] {
        Reply::Body { status, .. } => *status,
        other => panic!("{other:?}"),
    };
    let script: Vec<Reply> = replies.into_iter().chain([ok]).collect();
    let Run { llm, result, .. } = scripted(make, &script, None).await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, BackendError::RetriesExhausted { attempts: 3, status, .. } if status == last),
        "{err:?}"
    );
    let text = err.to_string();
    let expected = format!("gave up after 3 attempt(s), last HTTP {last}");
    assert!(text.contains(&expected), "{text}");
    assert!(
        !text.contains(KEY) && !format!("{err:?}").contains(KEY),
        "{text}"
    );
    assert_eq!((llm.requests().len(), llm.pending()), (3, 1));
}

/// One cut stream then `whole`: the retry succeeds. Two cut streams: a `StreamCut` error,
/// and no third request.
pub async fn a_cut_stream_is_retried_once_then_reported(
    make: Make,
    cuts: [Reply; 2],
    whole: Reply,
) {
    let once = [cuts[0].clone(), whole.clone()];
    let Run { llm, result, .. } = scripted(make, &once, None).await;
    assert_eq!(result.unwrap().summary, "Scale web to 3");
    assert_eq!(llm.requests().len(), 2);

    let [first, second] = cuts;
    let Run { llm, result, .. } = scripted(make, &[first, second, whole], None).await;
    let err = result.unwrap_err();
    assert!(matches!(err, BackendError::StreamCut { .. }), "{err:?}");
    assert!(err.to_string().contains("broke off"), "{err}");
    assert_eq!(llm.requests().len(), 2);
}

/// Two unusable answers (then a good one, never asked for): exactly one repair request, then
/// a `MalformedAnswer` naming the file where the second answer (`saved_raw`) was kept.
/// Returns the repair request for provider-specific checks.
pub async fn a_malformed_answer_is_repaired_once_then_saved(
    make: Make,
    replies: [Reply; 3],
    saved_raw: &str,
) -> Recorded {
    let Run {
        llm,
        result,
        usage,
        dir,
    } = scripted(make, &replies, None).await;
    assert_saved_after_one_repair(&result.unwrap_err(), dir.path(), saved_raw, &llm);
    assert_eq!(usage.calls, 2);
    llm.requests().swap_remove(1)
}
