//! The Chat Completions wire format: request bodies, and answers (whole or streamed) turned
//! into a [`Completion`].

use serde_json::{Value, json};

use super::OpenAiConfig;
use crate::llm::agent::function_tools;
use crate::llm::conversation::{Completion, FunctionCall};
use crate::llm::http::Wire;
use crate::llm::prompts;
use crate::llm::sse::SseEvent;
use crate::usage::Usage;

/// The assistant message that asked for `completion`'s calls, to put back in the conversation.
pub(super) fn call_message(completion: &Completion) -> Value {
    let calls: Vec<Value> = completion
        .calls
        .iter()
        .map(|c| {
            json!({"id": c.id, "type": "function",
                        "function": {"name": c.name, "arguments": c.arguments}})
        })
        .collect();
    let content = (!completion.content.is_empty()).then(|| completion.content.clone());
    json!({"role": "assistant", "content": content, "tool_calls": calls})
}

/// The request body for `messages`, offering the cluster tools when `with_tools`.
pub(super) fn body(config: &OpenAiConfig, messages: &[Value], with_tools: bool) -> Value {
    let mut body = json!({
        "model": config.model,
        "messages": messages,
        "response_format": {"type": "json_schema", "json_schema": {
            "name": "proposal", "strict": false, "schema": prompts::proposal_schema()}},
    });
    if with_tools {
        body["tools"] = Value::Array(function_tools());
    }
    if config.stream {
        body["stream"] = json!(true);
        body["stream_options"] = json!({"include_usage": true});
    }
    body
}

/// How Chat Completions answers are read.
pub(super) const WIRE: Wire<Completion> = Wire {
    is_final: is_done,
    from_stream: |events| Ok(from_stream(events)),
    from_json,
    delta,
};

/// The content an event adds.
fn delta(event: &SseEvent) -> Option<String> {
    let chunk: Value = serde_json::from_str(&event.data).ok()?;
    let text = chunk.pointer("/choices/0/delta/content")?.as_str()?;
    Some(text.to_owned())
}

/// A whole (non-streamed) answer; `Err` says what is missing.
fn from_json(answer: &Value) -> Result<Completion, String> {
    let message = answer
        .pointer("/choices/0/message")
        .ok_or("the answer has no `choices[0].message`")?;
    let text = |k: &str| message.get(k).and_then(Value::as_str).map(str::to_owned);
    let calls = message
        .get("tool_calls")
        .and_then(Value::as_array)
        .map(|calls| calls.iter().map(function_call).collect())
        .unwrap_or_default();
    Ok(Completion {
        content: text("content").unwrap_or_default(),
        refusal: text("refusal").filter(|r| !r.is_empty()),
        calls,
        usage: Usage::from_openai(answer.get("usage")),
        echo: None,
    })
}

fn function_call(call: &Value) -> FunctionCall {
    let s = |p: &str| {
        call.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    FunctionCall {
        id: s("/id"),
        name: s("/function/name"),
        arguments: s("/function/arguments"),
    }
}

/// The end of a stream.
fn is_done(event: &SseEvent) -> bool {
    event.data.trim() == "[DONE]"
}

/// Joins a stream's deltas: content, refusal, tool calls (by index) and the usage chunk.
fn from_stream(events: &[SseEvent]) -> Completion {
    let mut out = Completion::default();
    let (mut refusal, mut usage) = (String::new(), None);
    for chunk in events
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(&e.data).ok())
    {
        if let Some(u) = chunk.get("usage").filter(|u| u.is_object()) {
            usage = Some(u.clone());
        }
        let Some(delta) = chunk.pointer("/choices/0/delta") else {
            continue;
        };
        let piece = |k: &str| delta.get(k).and_then(Value::as_str).unwrap_or("");
        out.content.push_str(piece("content"));
        refusal.push_str(piece("refusal"));
        for call in delta
            .get("tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let index = call.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
            if out.calls.len() <= index {
                out.calls.resize(index + 1, FunctionCall::default());
            }
            let part = function_call(call);
            let slot = &mut out.calls[index];
            if !part.id.is_empty() {
                slot.id = part.id;
            }
            slot.name.push_str(&part.name);
            slot.arguments.push_str(&part.arguments);
        }
    }
    out.refusal = (!refusal.is_empty()).then_some(refusal);
    out.usage = Usage::from_openai(usage.as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(data: Value) -> SseEvent {
        SseEvent::message(data.to_string())
    }

    #[test]
    fn streamed_tool_calls_are_assembled() {
        let events = [
            ev(
                json!({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"logs","arguments":""}}]}}]}),
            ),
            ev(
                json!({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"pod\":"}}]}}]}),
            ),
            ev(
                json!({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"api-0\"}"}}]}}]}),
            ),
            ev(json!({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}})),
        ];
        let c = from_stream(&events);
        assert_eq!(
            c.calls,
            [FunctionCall {
                id: "call_1".into(),
                name: "logs".into(),
                arguments: "{\"pod\":\"api-0\"}".into()
            }]
        );
        assert_eq!(c.usage.total_tokens(), 7);
        assert_eq!(
            call_message(&c)["tool_calls"][0]["function"]["name"],
            "logs"
        );
        assert!(call_message(&c)["content"].is_null());
    }
}
