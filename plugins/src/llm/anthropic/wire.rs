//! The Messages API wire format: request bodies, and answers (whole or streamed) turned into a
//! [`Turn`].

use serde_json::{Map, Value, json};

use super::AnthropicConfig;
use crate::llm::http::Wire;
use crate::llm::prompts;
use crate::llm::sse::SseEvent;
use crate::tools::tool_specs;
use crate::usage::Usage;

/// The tool whose input is the final proposal.
pub(super) const PROPOSE: &str = "propose";

const PROPOSE_ABOUT: &str = "Give the final answer: the proposal (manifests and/or kubectl \
    actions, or questions when the request is ambiguous). Call it exactly once, alone.";

/// One content block of an assistant message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Block {
    /// Text.
    Text(String),
    /// A tool call; `input` is the JSON object as text (streams deliver it in pieces).
    ToolUse {
        /// The id the result must quote (`tool_use_id`).
        id: String,
        /// The tool name.
        name: String,
        /// The input object, as JSON text.
        input: String,
    },
}

/// What one model call produced.
#[derive(Debug, Default)]
pub(super) struct Turn {
    /// The content blocks, in order.
    pub blocks: Vec<Block>,
    /// Why the model stopped (`end_turn`, `tool_use`, `max_tokens`, `refusal`…).
    pub stop_reason: String,
    /// Tokens used.
    pub usage: Usage,
}

impl Turn {
    /// The text blocks, joined.
    pub fn text(&self) -> String {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(t) => Some(t.as_str()),
                Block::ToolUse { .. } => None,
            })
            .collect()
    }

    /// The tool calls: `(id, name, input)`.
    pub fn tool_uses(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::ToolUse { id, name, input } => {
                Some((id.as_str(), name.as_str(), input.as_str()))
            }
            Block::Text(_) => None,
        })
    }

    /// The input of the `propose` call, if the model made one.
    pub fn proposal(&self) -> Option<&str> {
        self.tool_uses()
            .find(|(_, name, _)| *name == PROPOSE)
            .map(|(_, _, input)| input)
    }

    /// This turn as the assistant message to put back in the conversation.
    pub fn assistant_message(&self) -> Value {
        let content: Vec<Value> = self
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(t) if t.is_empty() => None,
                Block::Text(t) => Some(json!({"type": "text", "text": t})),
                Block::ToolUse { id, name, input } => {
                    let input = serde_json::from_str::<Value>(input)
                        .ok()
                        .filter(Value::is_object)
                        .unwrap_or_else(|| json!({}));
                    Some(json!({"type": "tool_use", "id": id, "name": name, "input": input}))
                }
            })
            .collect();
        json!({"role": "assistant", "content": content})
    }
}

/// A `tool_result` block answering call `id`.
pub(super) fn tool_result(id: &str, content: &str, is_error: bool) -> Value {
    let mut block = json!({"type": "tool_result", "tool_use_id": id, "content": content});
    if is_error {
        block["is_error"] = json!(true);
    }
    block
}

/// The request body for `messages`, offering the cluster tools when `with_tools`. The
/// `propose` tool is always offered and a tool call is required (`tool_choice`): `any` with
/// cluster tools (read, then propose), `propose` itself without.
pub(super) fn body(config: &AnthropicConfig, messages: &[Value], with_tools: bool) -> Value {
    let mut tools: Vec<Value> = if with_tools {
        tool_specs()
            .into_iter()
            .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}))
            .collect()
    } else {
        Vec::new()
    };
    tools.push(json!({"name": PROPOSE, "description": PROPOSE_ABOUT,
                      "input_schema": prompts::proposal_schema()}));
    let tool_choice = if with_tools {
        json!({"type": "any"})
    } else {
        json!({"type": "tool", "name": PROPOSE})
    };
    let mut body = json!({
        "model": config.model,
        "max_tokens": config.settings.max_tokens,
        "system": prompts::system(),
        "messages": messages,
        "tools": tools,
        "tool_choice": tool_choice,
    });
    if config.stream {
        body["stream"] = json!(true);
    }
    body
}

/// How Messages answers are read.
pub(super) const WIRE: Wire<Turn> = Wire {
    is_final: is_done,
    from_stream,
    from_json,
    delta,
};

/// The text or tool input (the `propose` call's proposal JSON) an event adds.
fn delta(event: &SseEvent) -> Option<String> {
    let data: Value = serde_json::from_str(&event.data).ok()?;
    if kind(event, &data) != "content_block_delta" {
        return None;
    }
    let delta = data.get("delta")?;
    let piece = delta.get("text").or_else(|| delta.get("partial_json"))?;
    piece.as_str().map(str::to_owned)
}

/// A whole (non-streamed) answer; `Err` says what is missing.
fn from_json(answer: &Value) -> Result<Turn, String> {
    let content = answer
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| "the answer has no `content` array".to_owned())?;
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let blocks = content
        .iter()
        .filter_map(|b| match b.get("type").and_then(Value::as_str) {
            Some("text") => Some(Block::Text(s(b, "text"))),
            Some("tool_use") => Some(Block::ToolUse {
                id: s(b, "id"),
                name: s(b, "name"),
                input: b.get("input").map(Value::to_string).unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    Ok(Turn {
        blocks,
        stop_reason: s(answer, "stop_reason"),
        usage: Usage::from_anthropic(answer.get("usage")),
    })
}

/// An event's type: its `event:` name, else the `type` in its data.
fn kind(event: &SseEvent, data: &Value) -> String {
    if event.event.is_empty() {
        data.get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    } else {
        event.event.clone()
    }
}

/// The end of a stream: `message_stop`, or an `error` event.
fn is_done(event: &SseEvent) -> bool {
    let data = serde_json::from_str(&event.data).unwrap_or(Value::Null);
    matches!(kind(event, &data).as_str(), "message_stop" | "error")
}

/// Joins a stream's events into a turn; `Err` carries an `error` event's type and message.
fn from_stream(events: &[SseEvent]) -> Result<Turn, String> {
    let mut turn = Turn::default();
    let mut usage = Map::new();
    for event in events {
        let Ok(data) = serde_json::from_str::<Value>(&event.data) else {
            continue;
        };
        let index = data.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
        let text = |v: Option<&Value>, k: &str| {
            v.and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        match kind(event, &data).as_str() {
            "message_start" => merge(&mut usage, data.pointer("/message/usage")),
            "content_block_start" => {
                let block = data.get("content_block");
                let block = match text(block, "type").as_str() {
                    "tool_use" => Block::ToolUse {
                        id: text(block, "id"),
                        name: text(block, "name"),
                        input: String::new(),
                    },
                    _ => Block::Text(text(block, "text")),
                };
                if turn.blocks.len() <= index {
                    turn.blocks.resize(index + 1, Block::Text(String::new()));
                }
                turn.blocks[index] = block;
            }
            "content_block_delta" => {
                let delta = data.get("delta");
                match turn.blocks.get_mut(index) {
                    Some(Block::Text(t)) => t.push_str(&text(delta, "text")),
                    Some(Block::ToolUse { input, .. }) => {
                        input.push_str(&text(delta, "partial_json"));
                    }
                    None => {}
                }
            }
            "message_delta" => {
                turn.stop_reason = text(data.get("delta"), "stop_reason");
                merge(&mut usage, data.get("usage"));
            }
            "error" => {
                let error = data.get("error");
                return Err(format!(
                    "{}: {}",
                    text(error, "type"),
                    text(error, "message")
                ));
            }
            _ => {}
        }
    }
    for block in &mut turn.blocks {
        if let Block::ToolUse { input, .. } = block
            && input.trim().is_empty()
        {
            *input = "{}".into();
        }
    }
    turn.usage = Usage::from_anthropic(Some(&Value::Object(usage)));
    Ok(turn)
}

/// Overwrites `into`'s counts with `from`'s (`message_delta` counts are cumulative).
fn merge(into: &mut Map<String, Value>, from: Option<&Value>) {
    if let Some(from) = from.and_then(Value::as_object) {
        into.extend(from.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events named by their data's type (the first four), or unnamed (the rest).
    fn sse(data: &[Value]) -> Vec<SseEvent> {
        data.iter()
            .enumerate()
            .map(|(i, d)| SseEvent {
                event: if i < 4 {
                    d["type"].as_str().unwrap().to_owned()
                } else {
                    String::new()
                },
                data: d.to_string(),
            })
            .collect()
    }

    #[test]
    fn streamed_tool_input_and_usage_are_assembled() {
        let events = sse(&[
            json!({"type": "message_start", "message": {"usage": {"input_tokens": 9, "output_tokens": 1}}}),
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Reading."}}),
            json!({"type": "ping"}),
            json!({"type": "content_block_start", "index": 1,
                   "content_block": {"type": "tool_use", "id": "toolu_1", "name": "logs", "input": {}}}),
            json!({"type": "content_block_delta", "index": 1,
                   "delta": {"type": "input_json_delta", "partial_json": "{\"pod\":"}}),
            json!({"type": "content_block_delta", "index": 1,
                   "delta": {"type": "input_json_delta", "partial_json": "\"api-0\"}"}}),
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 7}}),
            json!({"type": "message_stop"}),
        ]);
        assert!(is_done(&events[8]) && !is_done(&events[3]));
        let turn = from_stream(&events).unwrap();
        assert_eq!(turn.text(), "Reading.");
        assert_eq!(
            turn.tool_uses().collect::<Vec<_>>(),
            [("toolu_1", "logs", "{\"pod\":\"api-0\"}")]
        );
        assert_eq!(turn.stop_reason, "tool_use");
        assert_eq!(
            (turn.usage.prompt_tokens, turn.usage.completion_tokens),
            (9, 7)
        );
        let message = turn.assistant_message();
        assert_eq!(message["content"][1]["input"], json!({"pod": "api-0"}));
        let error = sse(&[json!({"type": "error",
            "error": {"type": "overloaded_error", "message": "Overloaded"}})]);
        assert!(is_done(&error[0]));
        assert_eq!(
            from_stream(&error).unwrap_err(),
            "overloaded_error: Overloaded"
        );
    }
}
