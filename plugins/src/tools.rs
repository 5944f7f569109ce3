//! Read-only cluster tools a backend may consult while proposing.
//!
//! The plugins crate defines what a tool call *is* ([`ToolCall`], with a JSON schema per tool
//! for function calling) and what answers it ([`ClusterTools`]); the binary implements the
//! trait on its cluster client. There is deliberately no mutating tool: a model that wants a
//! change must propose it, and the proposal goes through gates and confirmation.
//!
//! Implementations return [`ToolOutput::Objects`] for objects, so that the caller can mask
//! Secret values structurally before anything is sent, and [`ToolOutput::Text`] for text
//! (logs, describe output, tables), which is masked as text. Output is capped by the caller.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `list`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
pub struct ListArgs {
    /// Resource type, as kubectl spells it (`pods`, `deployments`, `widgets.example.com`).
    pub kind: String,
    /// Namespace; the default namespace when absent.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Label selector (`app=web`).
    #[serde(default)]
    pub selector: Option<String>,
}

/// Arguments of `get` and `describe`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
pub struct ObjectArgs {
    /// Resource type (`pod`, `deployment`…).
    pub kind: String,
    /// Object name.
    pub name: String,
    /// Namespace; the default namespace when absent.
    #[serde(default)]
    pub namespace: Option<String>,
}

/// Arguments of `logs`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
pub struct LogsArgs {
    /// Pod name.
    pub pod: String,
    /// Namespace; the default namespace when absent.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Container, when the pod has several.
    #[serde(default)]
    pub container: Option<String>,
    /// Lines from the end (the implementation's default when absent).
    #[serde(default)]
    pub tail: Option<u32>,
    /// The previous (crashed) container's logs.
    #[serde(default)]
    pub previous: bool,
}

/// Arguments of `events`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
pub struct EventsArgs {
    /// Namespace; the default namespace when absent.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Only events about this object (`Kind/name`).
    #[serde(default)]
    pub object: Option<String>,
}

/// Arguments of `explain`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
pub struct ExplainArgs {
    /// Kind (`Deployment`, `deploy`, or `example.com/v1/Widget` for a custom resource).
    pub kind: String,
    /// Dotted field path (`spec.template.spec.containers.resources`); empty for the top.
    #[serde(default)]
    pub field: String,
}

/// Arguments of `diagnose`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
pub struct DiagnoseArgs {
    /// Namespace; the default namespace when absent. `*` for every namespace.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Only what concerns this object (`pod/api-0`, `deployment/web`, `service/shop`).
    #[serde(default)]
    pub object: Option<String>,
}

/// Arguments of `api_resources` (none).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
pub struct NoArgs {}

/// One read-only tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolCall {
    /// List objects of a type.
    List(ListArgs),
    /// One object, as YAML/JSON.
    Get(ObjectArgs),
    /// `kubectl describe`-style text for one object.
    Describe(ObjectArgs),
    /// A pod's logs.
    Logs(LogsArgs),
    /// Recent events.
    Events(EventsArgs),
    /// The resource types the cluster serves.
    ApiResources,
    /// A field's type, description and child fields, from the schema (`kubectl explain`).
    Explain(ExplainArgs),
    /// The offline analyzers' findings (what is wrong, evidence, cause, fix summary).
    Diagnose(DiagnoseArgs),
}

/// What a tool produced.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolOutput {
    /// Kubernetes objects (masked structurally before they are sent).
    Objects(Vec<Value>),
    /// Text: logs, describe output, tables (masked as text).
    Text(String),
}

/// Answers read-only tool calls against a cluster. Errors are messages for the model (`pod
/// "x" not found`), not failures of the request.
#[async_trait]
pub trait ClusterTools: Send + Sync {
    /// Runs one call.
    async fn call(&self, call: &ToolCall) -> Result<ToolOutput, String>;
}

impl std::fmt::Debug for dyn ClusterTools + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClusterTools")
    }
}

/// A tool as offered to a model: name, description, JSON schema of its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// The function name.
    pub name: &'static str,
    /// What it does, for the model.
    pub description: &'static str,
    /// JSON schema of the arguments object.
    pub parameters: Value,
}

fn schema<T: JsonSchema>() -> Value {
    let mut value = serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("$schema");
        map.remove("title");
        map.entry("properties")
            .or_insert_with(|| Value::Object(Default::default()));
    }
    value
}

/// Every tool, in the order offered.
pub fn tool_specs() -> Vec<ToolSpec> {
    vec![
        ToolSpec {
            name: "list",
            description: "List objects of a resource type (compact), optionally by label selector.",
            parameters: schema::<ListArgs>(),
        },
        ToolSpec {
            name: "get",
            description: "Get one object in full (Secret values are masked).",
            parameters: schema::<ObjectArgs>(),
        },
        ToolSpec {
            name: "describe",
            description: "Describe one object, with its recent events.",
            parameters: schema::<ObjectArgs>(),
        },
        ToolSpec {
            name: "logs",
            description: "The last lines of a pod's logs (capped); `previous` for a crashed container.",
            parameters: schema::<LogsArgs>(),
        },
        ToolSpec {
            name: "events",
            description: "Recent events in a namespace, optionally about one object (Kind/name).",
            parameters: schema::<EventsArgs>(),
        },
        ToolSpec {
            name: "api_resources",
            description: "The resource types this cluster serves (CRDs included).",
            parameters: schema::<NoArgs>(),
        },
        ToolSpec {
            name: "explain",
            description: "A field's type and child fields from the Kubernetes schema, like kubectl explain.",
            parameters: schema::<ExplainArgs>(),
        },
        ToolSpec {
            name: "diagnose",
            description: "Run shipmate's troubleshooting analyzers on a namespace (or one object): what is wrong, quoted evidence, likely cause, docs link, and whether a fix is known. Start here for \"why is X failing\".",
            parameters: schema::<DiagnoseArgs>(),
        },
    ]
}

impl ToolCall {
    /// Parses a call from a function name and its JSON arguments (an empty string is `{}`).
    pub fn parse(name: &str, arguments: &str) -> Result<ToolCall, String> {
        let args = if arguments.trim().is_empty() {
            "{}"
        } else {
            arguments
        };
        let bad = |e: serde_json::Error| format!("invalid arguments for `{name}`: {e}");
        Ok(match name {
            "list" => ToolCall::List(serde_json::from_str(args).map_err(bad)?),
            "get" => ToolCall::Get(serde_json::from_str(args).map_err(bad)?),
            "describe" => ToolCall::Describe(serde_json::from_str(args).map_err(bad)?),
            "logs" => ToolCall::Logs(serde_json::from_str(args).map_err(bad)?),
            "events" => ToolCall::Events(serde_json::from_str(args).map_err(bad)?),
            "api_resources" => ToolCall::ApiResources,
            "explain" => ToolCall::Explain(serde_json::from_str(args).map_err(bad)?),
            "diagnose" => ToolCall::Diagnose(serde_json::from_str(args).map_err(bad)?),
            other => {
                let names: Vec<_> = tool_specs().iter().map(|s| s.name).collect();
                return Err(format!(
                    "unknown tool `{other}` (available: {})",
                    names.join(", ")
                ));
            }
        })
    }

    /// A short label for progress and for the untrusted-data block (`logs pod/api-0`).
    pub fn label(&self) -> String {
        let ns = |n: &Option<String>| n.as_deref().map(|n| format!(" -n {n}")).unwrap_or_default();
        match self {
            ToolCall::List(a) => format!("list {}{}", a.kind, ns(&a.namespace)),
            ToolCall::Get(a) => format!("get {}/{}{}", a.kind, a.name, ns(&a.namespace)),
            ToolCall::Describe(a) => format!("describe {}/{}{}", a.kind, a.name, ns(&a.namespace)),
            ToolCall::Logs(a) => format!("logs pod/{}{}", a.pod, ns(&a.namespace)),
            ToolCall::Events(a) => format!("events{}", ns(&a.namespace)),
            ToolCall::ApiResources => "api-resources".to_owned(),
            ToolCall::Explain(a) => format!("explain {} {}", a.kind, a.field),
            ToolCall::Diagnose(a) => {
                let object = a
                    .object
                    .as_deref()
                    .map(|o| format!(" {o}"))
                    .unwrap_or_default();
                format!("diagnose{object}{}", ns(&a.namespace))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_parse_from_function_calls() {
        assert_eq!(
            ToolCall::parse(
                "logs",
                r#"{"pod":"api-0","namespace":"shop","previous":true}"#
            )
            .unwrap()
            .label(),
            "logs pod/api-0 -n shop"
        );
        assert_eq!(
            ToolCall::parse("api_resources", "").unwrap(),
            ToolCall::ApiResources
        );
        let err = ToolCall::parse("delete", "{}").unwrap_err();
        assert!(
            err.contains("unknown tool `delete`") && err.contains("logs"),
            "{err}"
        );
        assert_eq!(
            ToolCall::parse("diagnose", r#"{"object":"pod/api-0","namespace":"shop"}"#)
                .unwrap()
                .label(),
            "diagnose pod/api-0 -n shop"
        );
        let err = ToolCall::parse("get", r#"{"kind":"pod"}"#).unwrap_err();
        assert!(err.contains("missing field `name`"), "{err}");
    }

    #[test]
    fn every_tool_has_an_object_schema() {
        let specs = tool_specs();
        assert_eq!(specs.len(), 8);
        for spec in specs {
            assert_eq!(spec.parameters["type"], "object", "{}", spec.name);
            assert!(spec.parameters["properties"].is_object(), "{}", spec.name);
            assert!(spec.parameters.get("$schema").is_none());
        }
    }
}
