//! The plugins' [`ClusterTools`] for a session: the cluster reads of a [`ClusterReader`] and
//! `explain` from the session's schemas (live documents included). What a model's tool call
//! reaches. Namespaces the model leaves out mean the session's default namespace (as the tool
//! schemas tell the model); every answer is text, capped, Secret values withheld.

use async_trait::async_trait;
use shipmate_manifests::SchemaSet;
use shipmate_plugins::{ClusterTools, ToolCall, ToolOutput};

use super::{ClusterReader, schema_lookup};

/// The tools a backend gets in a session.
#[derive(Debug)]
pub struct SessionTools<'s> {
    /// Cluster reads.
    pub reader: ClusterReader<'s>,
    /// The schemas `explain` answers from.
    pub schemas: &'s SchemaSet,
}

#[async_trait]
impl ClusterTools for SessionTools<'_> {
    async fn call(&self, call: &ToolCall) -> Result<ToolOutput, String> {
        let reader = &self.reader;
        let default_ns = reader.default_namespace();
        let ns = |n: &Option<String>| Some(n.as_deref().unwrap_or(default_ns).to_owned());
        let answer = match call {
            ToolCall::List(a) => {
                let namespace = ns(&a.namespace);
                reader
                    .list(&a.kind, namespace.as_deref(), a.selector.as_deref())
                    .await
            }
            ToolCall::Get(a) => {
                let namespace = ns(&a.namespace);
                reader.get(&a.kind, &a.name, namespace.as_deref()).await
            }
            ToolCall::Describe(a) => {
                let namespace = ns(&a.namespace);
                reader
                    .describe(&a.kind, &a.name, namespace.as_deref())
                    .await
            }
            ToolCall::Logs(a) => {
                let namespace = ns(&a.namespace);
                let tail = a.tail.map(i64::from);
                reader
                    .logs(
                        &a.pod,
                        namespace.as_deref(),
                        a.container.as_deref(),
                        a.previous,
                        tail,
                    )
                    .await
            }
            ToolCall::Events(a) => {
                let namespace = ns(&a.namespace);
                let object = a.object.as_deref().and_then(|o| o.split_once('/'));
                reader.events(namespace.as_deref(), object).await
            }
            ToolCall::ApiResources => reader.api_resources().await,
            ToolCall::Explain(a) => schema_lookup(self.schemas, &a.kind, &a.field),
            ToolCall::Diagnose(a) => {
                reader
                    .diagnose(a.namespace.as_deref(), a.object.as_deref())
                    .await
            }
        };
        answer.map(ToolOutput::Text).map_err(|e| e.to_string())
    }
}
