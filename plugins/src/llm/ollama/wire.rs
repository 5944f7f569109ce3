//! Ollama's native `/api/chat` wire format: request bodies, whole and NDJSON-streamed answers,
//! and the JSON-in-text tool protocol for models without native tool calling.

use std::sync::LazyLock;

use serde_json::{Value, json};

use super::OllamaConfig;
use crate::llm::agent::function_tools;
use crate::llm::answer::strip_fence;
use crate::llm::conversation::{Completion, FunctionCall};
use crate::llm::prompts;
use crate::tools::tool_specs;
use crate::usage::Usage;

/// The system prompt for a model without native tools: the shared prompt, the tools and how
/// to call them in text.
static TEXT_TOOLS_SYSTEM: LazyLock<String> = LazyLock::new(|| {
    let tools: Vec<Value> = tool_specs()
        .into_iter()
        .map(|t| json!({"name": t.name, "description": t.description, "parameters": t.parameters}))
        .collect();
    format!(
        "{}\n\nYou may call these read-only tools before you answer:\n{}\n\n\
         To call tools, answer with only this JSON object and nothing else: \
         {{\"tool_calls\": [{{\"name\": \"TOOL\", \"arguments\": {{...}}}}]}}. \
         Their results come back in the next message. When you have what you need, answer \
         with the proposal JSON object instead.",
        prompts::system().trim_end(),
        Value::Array(tools)
    )
});

/// The request body. With `with_tools`, the tools are offered natively (`tools`), or, when
/// `text_tools`, described in the system message with the answer forced to be JSON; without
/// tools, the answer is constrained by the proposal schema (`format`).
pub(super) fn body(
    config: &OllamaConfig,
    messages: &[Value],
    with_tools: bool,
    text_tools: bool,
) -> Value {
    let mut messages = messages.to_vec();
    let mut body = json!({"model": config.model, "stream": config.stream});
    match (with_tools, text_tools) {
        (true, false) => body["tools"] = Value::Array(function_tools()),
        (true, true) => {
            if let Some(system) = messages.first_mut() {
                system["content"] = json!(TEXT_TOOLS_SYSTEM.as_str());
            }
            body["format"] = json!("json");
        }
        (false, _) => body["format"] = prompts::proposal_schema().clone(),
    }
    body["messages"] = Value::Array(messages);
    body
}

/// A whole answer; `Err` says what is missing.
pub(super) fn from_json(answer: &Value) -> Result<Completion, String> {
    let message = answer.get("message").ok_or("the answer has no `message`")?;
    let calls = message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| function_call(c.get("function").unwrap_or(c)))
        .collect();
    Ok(Completion {
        content: message
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        calls,
        usage: Usage::from_fields(Some(answer), "prompt_eval_count", "eval_count"),
        ..Completion::default()
    })
}

/// `{name, arguments}` (arguments an object, or text) as a [`FunctionCall`].
fn function_call(f: &Value) -> FunctionCall {
    let arguments = match f.get("arguments") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "{}".to_owned(),
    };
    FunctionCall {
        id: String::new(),
        name: f
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        arguments,
    }
}

/// Whether a streamed line is the last one (`"done": true`).
pub(super) fn is_done(line: &str) -> bool {
    serde_json::from_str::<Value>(line).is_ok_and(|v| v["done"] == true)
}

/// The content a streamed line adds.
pub(super) fn delta(line: &str) -> Option<String> {
    let chunk: Value = serde_json::from_str(line).ok()?;
    let text = chunk.pointer("/message/content")?.as_str()?;
    (!text.is_empty()).then(|| text.to_owned())
}

/// Joins a stream's lines: content pieces and tool calls in order, counts from the last line.
pub(super) fn from_lines(lines: &[String]) -> Result<Completion, String> {
    let (mut content, mut calls, mut last) = (String::new(), Vec::new(), json!({}));
    for chunk in lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        if let Some(error) = chunk.get("error").and_then(Value::as_str) {
            return Err(format!("the server reported an error mid-stream: {error}"));
        }
        content.push_str(
            chunk
                .pointer("/message/content")
                .and_then(Value::as_str)
                .unwrap_or(""),
        );
        if let Some(c) = chunk
            .pointer("/message/tool_calls")
            .and_then(Value::as_array)
        {
            calls.extend(c.iter().cloned());
        }
        last = chunk;
    }
    last["message"] = json!({"role": "assistant", "content": content, "tool_calls": calls});
    from_json(&last)
}

/// Tool calls written as text (`{"tool_calls": [{"name", "arguments"}]}`), if the text is that.
pub(super) fn text_calls(content: &str) -> Option<Vec<FunctionCall>> {
    let value: Value = serde_json::from_str(strip_fence(content)).ok()?;
    let calls = value.get("tool_calls")?.as_array()?;
    Some(calls.iter().map(function_call).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_lines_join_with_their_counts() {
        let lines: Vec<String> = [
            json!({"message": {"role": "assistant", "content": "{\"a\":"}, "done": false}),
            json!({"message": {"role": "assistant", "content": "1}"}, "done": false}),
            json!({"message": {"role": "assistant", "content": ""}, "done": true,
                   "prompt_eval_count": 9, "eval_count": 4}),
        ]
        .iter()
        .map(Value::to_string)
        .collect();
        assert!(!is_done(&lines[1]) && is_done(&lines[2]));
        let c = from_lines(&lines).unwrap();
        assert_eq!(
            (
                c.content.as_str(),
                c.usage.prompt_tokens,
                c.usage.completion_tokens
            ),
            ("{\"a\":1}", 9, 4)
        );
    }

    #[test]
    fn calls_in_text_are_recognised() {
        let calls = text_calls(
            "```json\n{\"tool_calls\":[{\"name\":\"logs\",\"arguments\":{\"pod\":\"a\"}}]}\n```",
        )
        .unwrap();
        assert_eq!(
            (calls[0].name.as_str(), calls[0].arguments.as_str()),
            ("logs", "{\"pod\":\"a\"}")
        );
        assert!(text_calls(r#"{"status":"proposed","summary":"s"}"#).is_none());
        assert!(text_calls("not json").is_none());
    }
}
