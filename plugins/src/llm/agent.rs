//! What every LLM backend's tool loop shares: bounds, and turning a model's tool call into the
//! text it gets back — run read-only, masked, capped, and wrapped as untrusted data.

use serde_json::{Value, json};

use super::anonymize::Anonymizer;
use super::mask::{mask_json, untrusted};
use crate::error::BackendError;
use crate::tools::{ClusterTools, ToolCall, ToolOutput, tool_specs};

/// Bounds on the tool loop of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolBounds {
    /// Model calls that may ask for tools before the request fails.
    pub max_rounds: u32,
    /// Tool calls run in total; later ones are answered with "budget exhausted".
    pub max_calls: u32,
    /// Bytes of one tool's output sent to the model, at most.
    pub max_output_bytes: usize,
}

impl Default for ToolBounds {
    fn default() -> Self {
        Self {
            max_rounds: 8,
            max_calls: 24,
            max_output_bytes: 16 * 1024,
        }
    }
}

/// Runs tool calls for one request, counting them against the bounds.
#[derive(Debug)]
pub struct ToolRunner<'a> {
    tools: Option<&'a dyn ClusterTools>,
    bounds: ToolBounds,
    calls: u32,
    rounds: u32,
}

impl<'a> ToolRunner<'a> {
    /// A runner over `tools` (`None`: no cluster; every call is answered so).
    pub fn new(tools: Option<&'a dyn ClusterTools>, bounds: ToolBounds) -> Self {
        Self {
            tools,
            bounds,
            calls: 0,
            rounds: 0,
        }
    }

    /// Counts a model call that asks for tools; past [`ToolBounds::max_rounds`] the request
    /// fails with an error saying so.
    pub fn next_round(&mut self, backend: &str) -> Result<(), BackendError> {
        self.rounds += 1;
        if self.rounds <= self.bounds.max_rounds {
            return Ok(());
        }
        Err(BackendError::Failed {
            backend: backend.into(),
            message: format!(
                "the model kept asking for tools ({} rounds, {} calls) without answering; \
                 ask more precisely or try another model",
                self.bounds.max_rounds, self.calls
            ),
        })
    }

    /// Tool calls run so far.
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// The answer to a call of function `name` with JSON `arguments`, for the model. With
    /// `names` (`--anonymize`), the arguments' placeholders are mapped back to real names
    /// before the call, and the answer's names are learnt and replaced.
    pub async fn run(
        &mut self,
        name: &str,
        arguments: &str,
        names: Option<&mut Anonymizer>,
    ) -> String {
        let Some(names) = names else {
            return self.answer(name, arguments, None).await;
        };
        let arguments = names.reveal(arguments);
        let answer = self.answer(name, &arguments, Some(&mut *names)).await;
        names.hide(&answer)
    }

    /// [`ToolRunner::run`] in real names; `names` learns the call's and the answer's.
    async fn answer(
        &mut self,
        name: &str,
        arguments: &str,
        names: Option<&mut Anonymizer>,
    ) -> String {
        let Some(tools) = self.tools else {
            return "No cluster is connected: answer from the request alone.".to_owned();
        };
        if self.calls >= self.bounds.max_calls {
            return format!(
                "Tool budget exhausted ({} calls): answer now with the proposal.",
                self.bounds.max_calls
            );
        }
        let call = match ToolCall::parse(name, arguments) {
            Ok(call) => call,
            Err(e) => return format!("Error: {e}"),
        };
        self.calls += 1;
        let text = match tools.call(&call).await {
            Ok(output) => cap(&render(output), self.bounds.max_output_bytes),
            Err(e) => format!("Error: {e}"),
        };
        if let Some(names) = names {
            names.learn_answer(&call, &text);
        }
        untrusted(&call.label(), &text)
    }
}

/// The cluster tools in the function-calling shape OpenAI defined and Ollama reuses:
/// `{"type": "function", "function": {name, description, parameters}}`.
pub fn function_tools() -> Vec<Value> {
    tool_specs()
        .into_iter()
        .map(|t| {
            json!({"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": t.parameters}})
        })
        .collect()
}

/// Objects as compact JSON (masked structurally first), text as is: what a tool's output
/// becomes before it is capped and wrapped as untrusted data (here and in the MCP server).
pub fn render(output: ToolOutput) -> String {
    match output {
        ToolOutput::Objects(mut objects) => {
            objects.iter_mut().for_each(mask_json);
            objects
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        }
        ToolOutput::Text(text) => text,
    }
}

/// The last `max` bytes of `text` (the end of logs is what matters), cut at a line or char
/// boundary, with a note of how much was left out.
pub fn cap(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    if let Some(nl) = text[start..].find('\n').filter(|&nl| nl < max / 2) {
        start += nl + 1;
    }
    format!(
        "[… {} of {} bytes left out; showing the end]\n{}",
        start,
        text.len(),
        &text[start..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;

    struct Fixed;

    #[async_trait]
    impl ClusterTools for Fixed {
        async fn call(&self, call: &ToolCall) -> Result<ToolOutput, String> {
            match call {
                ToolCall::Get(_) => Ok(ToolOutput::Objects(vec![json!({
                    "kind": "Secret", "metadata": {"name": "db"}, "data": {"password": "aHVudGVyMg=="}})])),
                ToolCall::Logs(_) => Ok(ToolOutput::Text("x\n".repeat(100_000))),
                _ => Err("not found".into()),
            }
        }
    }

    #[test]
    fn cap_keeps_the_end_within_the_limit() {
        assert_eq!(cap("short", 10), "short");
        let text = "line one\nline two\nline three\n";
        let capped = cap(text, 12);
        assert!(capped.ends_with("line three\n"), "{capped}");
        assert!(capped.contains("of 29 bytes left out"));
        assert!(cap(&"é".repeat(100), 11).ends_with('é'));
    }

    #[tokio::test]
    async fn calls_are_masked_capped_wrapped_and_bounded() {
        let bounds = ToolBounds {
            max_calls: 3,
            max_output_bytes: 1000,
            ..ToolBounds::default()
        };
        let mut runner = ToolRunner::new(Some(&Fixed), bounds);
        let secret = runner
            .run("get", r#"{"kind":"secret","name":"db"}"#, None)
            .await;
        assert!(secret.contains("<untrusted-data source=\"get secret/db\">"));
        assert!(!secret.contains("aHVudGVyMg") && secret.contains("[REDACTED]"));
        let logs = runner.run("logs", r#"{"pod":"api-0"}"#, None).await;
        assert!(logs.len() < 1400, "{}", logs.len());
        let unknown = runner.run("nope", "{}", None).await;
        assert!(unknown.starts_with("Error: unknown tool"), "{unknown}");
        let missing = runner
            .run("describe", r#"{"kind":"pod","name":"x"}"#, None)
            .await;
        assert!(missing.contains("Error: not found"));
        assert!(
            runner
                .run("get", "{}", None)
                .await
                .contains("budget exhausted")
        );
        assert_eq!(runner.calls(), 3);
        let mut names = Anonymizer::new();
        names.learn("db", crate::llm::anonymize::NameRole::Object);
        let mut runner = ToolRunner::new(Some(&Fixed), bounds);
        let hidden = runner
            .run(
                "get",
                r#"{"kind":"secret","name":"name-1"}"#,
                Some(&mut names),
            )
            .await;
        assert!(hidden.contains("get secret/name-1"), "{hidden}");
        assert!(
            !hidden.contains("\"db\"") && !hidden.contains("/db"),
            "{hidden}"
        );
        let logs = runner
            .run("logs", r#"{"pod":"api-0"}"#, Some(&mut names))
            .await;
        assert!(logs.contains("pod/name-2"), "the pod was learnt: {logs}");
        let mut none = ToolRunner::new(None, bounds);
        assert!(none.run("get", "{}", None).await.contains("No cluster"));
    }
}
