//! The `generateContent` wire format: request bodies, and answers (whole or streamed) turned
//! into a [`Completion`] — or into a clear error when the model stopped for a reason other than
//! finishing (safety filters, recitation, the token limit…).

use std::sync::LazyLock;

use serde_json::{Map, Value, json};

use super::schema::to_gemini;
use crate::error::BackendError;
use crate::llm::conversation::{Completion, FunctionCall};
use crate::llm::prompts;
use crate::llm::sse::SseEvent;
use crate::tools::tool_specs;
use crate::usage::Usage;

/// The backend's name, for errors.
const BACKEND: &str = "gemini";

/// The fields of a proposal the model fills in (the rest is shipmate's).
const ANSWER_FIELDS: [&str; 5] = ["status", "summary", "manifests", "actions", "questions"];

/// The system instruction: the shared system prompt and the answer's schema in Gemini's subset.
/// The schema goes in the text because `responseSchema` cannot express it (`manifests` are
/// arbitrary objects, and Gemini wants every object schema to list its properties).
static SYSTEM: LazyLock<String> = LazyLock::new(|| {
    let full = prompts::proposal_schema();
    let mut answer = full.clone();
    if let Some(props) = answer.get_mut("properties").and_then(Value::as_object_mut) {
        props.retain(|name, _| ANSWER_FIELDS.contains(&name.as_str()));
    }
    answer["required"] = json!(["status", "summary"]);
    format!(
        "{}\n\nThe answer's JSON schema:\n{}",
        prompts::system().trim_end(),
        to_gemini(&answer)
    )
});

/// The function declarations of the cluster tools. A tool without arguments has no
/// `parameters` (Gemini rejects an object schema without properties).
fn declarations() -> Vec<Value> {
    tool_specs()
        .into_iter()
        .map(|t| {
            let mut decl = json!({"name": t.name, "description": t.description});
            let parameters = to_gemini(&t.parameters);
            if parameters.get("properties").is_some() {
                decl["parameters"] = parameters;
            }
            decl
        })
        .collect()
}

/// The request body for `contents`, offering the cluster tools when `with_tools`. Without
/// tools the answer is asked for as JSON (`responseMimeType`); Gemini refuses that mime type
/// together with function calling, so with tools the prompt alone asks for JSON.
pub(super) fn body(contents: &[Value], with_tools: bool) -> Value {
    let mut body = json!({
        "systemInstruction": {"parts": [{"text": SYSTEM.as_str()}]},
        "contents": contents,
    });
    if with_tools {
        body["tools"] = json!([{"functionDeclarations": declarations()}]);
    } else {
        body["generationConfig"] = json!({"responseMimeType": "application/json"});
    }
    body
}

/// A whole answer (`GenerateContentResponse`).
pub(super) fn from_json(answer: &Value) -> Result<Completion, BackendError> {
    if let Some(reason) = answer
        .pointer("/promptFeedback/blockReason")
        .and_then(Value::as_str)
    {
        return Err(stopped(
            reason,
            "the provider blocked the request itself; rephrase it",
        ));
    }
    let candidate = answer
        .pointer("/candidates/0")
        .ok_or_else(|| protocol("the answer has no `candidates[0]`"))?;
    let finish = candidate
        .get("finishReason")
        .and_then(Value::as_str)
        .unwrap_or("STOP");
    match finish {
        "STOP" | "FINISH_REASON_UNSPECIFIED" => {}
        "MAX_TOKENS" => {
            return Err(stopped(
                finish,
                "the answer hit the output token limit; ask for less at once",
            ));
        }
        _ => {
            return Err(stopped(
                finish,
                "the provider withheld the answer (safety, recitation or policy filter); \
                 rephrase the request or try another model",
            ));
        }
    }
    let parts = candidate
        .pointer("/content/parts")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut out = Completion {
        usage: Usage::from_fields(
            answer.get("usageMetadata"),
            "promptTokenCount",
            "candidatesTokenCount",
        ),
        ..Completion::default()
    };
    for part in parts {
        if let Some(call) = part.get("functionCall") {
            let s = |k: &str| call.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let args = call.get("args").cloned().unwrap_or_else(|| json!({}));
            out.calls.push(FunctionCall {
                id: s("id"),
                name: s("name"),
                arguments: args.to_string(),
            });
        } else if part.get("thought") != Some(&json!(true)) {
            out.content
                .push_str(part.get("text").and_then(Value::as_str).unwrap_or(""));
        }
    }
    if !out.calls.is_empty() {
        out.echo = Some(json!({"role": "model", "parts": parts}));
    }
    Ok(out)
}

/// Whether a streamed chunk is the last one: it carries a `finishReason` (or a block).
pub(super) fn is_final(event: &SseEvent) -> bool {
    serde_json::from_str::<Value>(&event.data).is_ok_and(|chunk| {
        chunk.pointer("/candidates/0/finishReason").is_some()
            || chunk.pointer("/promptFeedback/blockReason").is_some()
    })
}

/// The text a streamed chunk adds (its text parts).
pub(super) fn delta(event: &SseEvent) -> Option<String> {
    let chunk: Value = serde_json::from_str(&event.data).ok()?;
    let parts = chunk.pointer("/candidates/0/content/parts")?.as_array()?;
    let text: String = parts.iter().filter_map(|p| p["text"].as_str()).collect();
    (!text.is_empty()).then_some(text)
}

/// Joins a stream's chunks into one answer: every part in order, the last `finishReason`,
/// `usageMetadata` and `promptFeedback` seen.
pub(super) fn from_stream(events: &[SseEvent]) -> Result<Completion, BackendError> {
    let (mut parts, mut candidate, mut top) = (Vec::new(), Map::new(), Map::new());
    for chunk in events
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(&e.data).ok())
    {
        for key in ["usageMetadata", "promptFeedback"] {
            if let Some(v) = chunk.get(key) {
                top.insert(key.into(), v.clone());
            }
        }
        if let Some(reason) = chunk.pointer("/candidates/0/finishReason") {
            candidate.insert("finishReason".into(), reason.clone());
        }
        if let Some(p) = chunk
            .pointer("/candidates/0/content/parts")
            .and_then(Value::as_array)
        {
            parts.extend(p.iter().cloned());
        }
    }
    candidate.insert("content".into(), json!({"role": "model", "parts": parts}));
    top.insert("candidates".into(), json!([candidate]));
    from_json(&Value::Object(top))
}

fn stopped(reason: &str, what: &str) -> BackendError {
    BackendError::Failed {
        backend: BACKEND.into(),
        message: format!("the model stopped without an answer (finishReason {reason}): {what}"),
    }
}

fn protocol(message: &str) -> BackendError {
    BackendError::Protocol {
        backend: BACKEND.into(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(data: Value) -> SseEvent {
        SseEvent::message(data.to_string())
    }

    #[test]
    fn streamed_chunks_join_and_calls_keep_their_parts() {
        let events = [
            ev(
                json!({"candidates": [{"content": {"role": "model", "parts": [
                {"functionCall": {"name": "logs", "args": {"pod": "api-0"}}, "thoughtSignature": "sig"}]}}]}),
            ),
            ev(
                json!({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]},
                "finishReason": "STOP"}],
                "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2}}),
            ),
        ];
        assert!(!is_final(&events[0]) && is_final(&events[1]));
        let c = from_stream(&events).unwrap();
        assert_eq!(c.calls[0].name, "logs");
        assert_eq!(c.calls[0].arguments, r#"{"pod":"api-0"}"#);
        assert_eq!(c.usage.total_tokens(), 7);
        assert_eq!(c.echo.unwrap()["parts"][0]["thoughtSignature"], "sig");
    }

    #[test]
    fn stops_other_than_finishing_are_errors() {
        let safety = json!({"candidates": [{"finishReason": "SAFETY"}]});
        let err = from_json(&safety).unwrap_err().to_string();
        assert!(
            err.contains("finishReason SAFETY") && err.contains("rephrase"),
            "{err}"
        );
        let blocked = json!({"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}});
        assert!(
            from_json(&blocked)
                .unwrap_err()
                .to_string()
                .contains("PROHIBITED_CONTENT")
        );
        let long = json!({"candidates": [{"finishReason": "MAX_TOKENS"}]});
        assert!(
            from_json(&long)
                .unwrap_err()
                .to_string()
                .contains("token limit")
        );
        assert!(
            from_json(&json!({}))
                .unwrap_err()
                .to_string()
                .contains("candidates")
        );
    }

    #[test]
    fn tools_are_declared_in_the_subset() {
        let body = body(&[], true);
        let decls = body["tools"][0]["functionDeclarations"].as_array().unwrap();
        let api = decls.iter().find(|d| d["name"] == "api_resources").unwrap();
        assert!(api.get("parameters").is_none());
        let logs = decls.iter().find(|d| d["name"] == "logs").unwrap();
        assert_eq!(logs["parameters"]["required"], json!(["pod"]));
        assert!(body.get("generationConfig").is_none());
        assert!(!body.to_string().contains("additionalProperties"));
        let text = body["systemInstruction"]["parts"][0]["text"]
            .as_str()
            .unwrap();
        assert!(text.contains("untrusted-data") && text.contains("needs_input"));
    }
}
