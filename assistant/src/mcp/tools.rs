//! What each MCP tool does, on the state one server shares between its clients: the session
//! (backend, constitution, lazily connected cluster — the same one `ask` and the REPL use), the
//! proposals made so far, and the schemas and gates `validate` checks against.
//!
//! Every operation here is synchronous (the session owns its own runtime); the server runs them
//! on blocking threads. A failure is a message for the MCP client — what went wrong and what to
//! do — never a protocol error.

use std::sync::{Mutex, MutexGuard, PoisonError};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use shipmate_manifests::parse::{self, Limits};
use shipmate_manifests::{Constitution, Report, SchemaSet, Severity};
use shipmate_plugins::llm::agent::{cap, render};
use shipmate_plugins::llm::mask::{mask_text, untrusted};
use shipmate_plugins::{ClusterTools, NoProgress, Proposal, Status, ToolCall};

use super::store::{KEPT, Proposals};
use super::ui::Collected;
use crate::cluster::ClusterError;
use crate::diagnose::{Request, Target};
use crate::session::{Approval, Outcome, Session};
use crate::tools::{ClusterReader, SessionTools};

/// Arguments of `validate`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ValidateInput {
    /// Kubernetes manifests as YAML or JSON text; several objects separated by `---` lines.
    pub manifests: String,
}

/// Arguments of `propose`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ProposeInput {
    /// The change, in plain language: e.g. "deploy nginx:1.27.1 as web with 2 replicas on
    /// port 80 and expose it", "scale deployment web to 5 in namespace shop".
    pub request: String,
    /// Namespace for a request that names none (default: the server's `--namespace`, else the
    /// kubeconfig context's).
    #[serde(default)]
    pub namespace: Option<String>,
}

/// Arguments of `apply`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ApplyInput {
    /// The `proposal_id` a `propose` call returned.
    pub proposal_id: String,
}

/// Arguments of `diagnose`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct DiagnoseInput {
    /// One object to diagnose with what its analysis needs, as `KIND/NAME` (`pod/api-0`,
    /// `deploy/web`, `svc/shop`); default: everything in the namespace.
    #[serde(default)]
    pub object: Option<String>,
    /// The namespace (of the object, when one is named); default: the server's `--namespace`,
    /// else the kubeconfig context's.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Diagnose every namespace (not with `object`).
    #[serde(default)]
    pub all_namespaces: bool,
}

/// A tool's answer: JSON (sent as structured content and as text) or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A JSON result.
    Json(Value),
    /// A JSON result that reports a failure (a partial apply, say).
    JsonError(Value),
    /// Text (cluster reads).
    Text(String),
}

/// An answer, or a message saying what went wrong and how to fix it.
pub type ToolResult = Result<Answer, String>;

/// What one `shipmate mcp` process shares between its tool calls and clients.
pub struct Shared {
    session: Mutex<Session>,
    proposals: Mutex<Proposals>,
    schemas: SchemaSet,
    gates: Option<Constitution>,
    allow_apply: bool,
    max_bytes: usize,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("allow_apply", &self.allow_apply)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// State around `session`. `schemas` and `gates` are what `validate` checks against (the
    /// session's own, loaded from the same flags); `max_bytes` caps one cluster read.
    /// Applying needs no further confirmation: the client's `apply` call is the decision.
    pub fn new(
        mut session: Session,
        schemas: SchemaSet,
        gates: Option<Constitution>,
        allow_apply: bool,
        max_bytes: usize,
    ) -> Shared {
        session.options.approval = Approval::Never;
        Shared {
            session: Mutex::new(session),
            proposals: Mutex::new(Proposals::default()),
            schemas,
            gates,
            allow_apply,
            max_bytes,
        }
    }

    /// Whether `apply` is offered (`--allow-apply`).
    pub fn allow_apply(&self) -> bool {
        self.allow_apply
    }

    /// The session; a call that panicked earlier leaves it usable.
    fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn proposals(&self) -> MutexGuard<'_, Proposals> {
        self.proposals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// `validate`: the same report as `shipmate validate --output json`, plus `passed`.
    pub fn validate(&self, input: &ValidateInput) -> ToolResult {
        if input.manifests.trim().is_empty() {
            return Err(
                "`manifests` is empty: pass the YAML or JSON text of one or more \
                        Kubernetes objects"
                    .into(),
            );
        }
        let documents =
            parse::parse_bytes("manifests", input.manifests.as_bytes(), &Limits::default());
        let report = Report::build(1, &documents, &self.schemas, self.gates.as_ref());
        let mut value = to_json(&report)?;
        value["passed"] = Value::Bool(report.passed());
        Ok(Answer::Json(value))
    }

    /// `propose`: the request through the session's backend, validated; kept under a new id.
    /// Each request stands alone (no earlier proposal is referred to).
    pub fn propose(&self, input: &ProposeInput) -> ToolResult {
        let request = input.request.trim();
        if request.is_empty() {
            return Err(
                "`request` is empty: say what to change in plain language, e.g. \
                        \"scale deployment web to 3\""
                    .into(),
            );
        }
        let proposal = {
            let mut session = self.session();
            session.clear_history();
            let default_namespace = session.options.namespace.clone();
            if let Some(ns) = input.namespace.as_deref().filter(|n| !n.is_empty()) {
                session.options.namespace = Some(ns.to_owned());
            }
            let proposal = session.propose(request, &mut NoProgress);
            session.options.namespace = default_namespace;
            proposal.map_err(|e| mask_text(&format!("{e:#}")).into_owned())?
        };
        let mut value = to_json(&proposal)?;
        let next = self.next_step(&proposal);
        let id = self.proposals().insert(proposal, false);
        value["proposal_id"] = Value::String(id);
        value["next"] = Value::String(next);
        Ok(Answer::Json(value))
    }

    /// What the client can do with `proposal`.
    fn next_step(&self, proposal: &Proposal) -> String {
        match proposal.status {
            Status::Proposed if self.allow_apply => "call `apply` with this proposal_id to \
                run the server dry-run and apply it (the audit log records it; `shipmate undo` \
                reverses it)"
                .into(),
            Status::Proposed => "this server is read-only (started without --allow-apply): \
                review the manifests and actions and apply them yourself, or restart the \
                server with --allow-apply to get the `apply` tool"
                .into(),
            Status::Blocked => "blocked: a finding with severity `block` stops it; change the \
                request so the findings' fixes are met, then propose again"
                .into(),
            Status::NeedsInput => "the request is missing details: answer the `questions` in \
                a new, complete request"
                .into(),
            Status::NotUnderstood => "not understood: rephrase the request (the `summary` says \
                what this backend can do)"
                .into(),
        }
    }

    /// `list`, `get`, `describe`, `logs`, `events`: one read-only cluster call, answered as a
    /// model's tool call is — Secret values dropped, credentials masked, capped, and wrapped
    /// as untrusted data.
    pub fn read(&self, call: &ToolCall) -> ToolResult {
        let mut session = self.session();
        connected(&mut session)?;
        let Ok(cluster) = session.cluster() else {
            return Err("no cluster connection".into());
        };
        let tools = SessionTools {
            reader: ClusterReader::new(cluster, session.options.tool_limits),
            schemas: &self.schemas,
        };
        match session.block_on(tools.call(call)) {
            Ok(output) => Ok(Answer::Text(untrusted(
                &call.label(),
                &cap(&render(output), self.max_bytes),
            ))),
            Err(message) => Err(mask_text(&message).into_owned()),
        }
    }

    /// `diagnose`: the `shipmate diagnose --output json` report of a namespace, every
    /// namespace or one object. Each finding's fix (a proposal) is validated and kept under a
    /// `proposal_id` like a `propose` result, so that `apply` can take it.
    pub fn diagnose(&self, input: &DiagnoseInput) -> ToolResult {
        let target = match input.object.as_deref().filter(|o| !o.trim().is_empty()) {
            Some(object) if input.all_namespaces => {
                return Err(format!(
                    "`object` ({object}) and `all_namespaces` do not go together: an object \
                     lives in one namespace; pass `namespace` instead"
                ));
            }
            Some(object) => Some(Target::parse(object.trim()).map_err(|e| e.to_string())?),
            None => None,
        };
        let mut session = self.session();
        connected(&mut session)?;
        let namespace = match session.cluster() {
            Ok(_) if input.all_namespaces => None,
            Ok(cluster) => Some(
                input
                    .namespace
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| cluster.namespace().to_owned()),
            ),
            Err(err) => return Err(no_cluster(err)),
        };
        let mut report = session
            .diagnose(&Request { namespace, target }, &mut NoProgress)
            .map_err(|e| mask_text(&format!("{e:#}")).into_owned())?;
        // Fixes go through the same validation as any proposal before a client sees them.
        let fixes: Vec<Option<Proposal>> = report
            .findings
            .iter_mut()
            .map(|finding| {
                finding.fix.as_mut().map(|fix| {
                    session.validate(fix);
                    fix.clone()
                })
            })
            .collect();
        drop(session);
        let mut value = to_json(&report)?;
        if let Some(findings) = value["findings"].as_array_mut() {
            for (finding, fix) in findings.iter_mut().zip(fixes) {
                let Some(fix) = fix else { continue };
                let next = self.next_step(&fix);
                finding["fix"] = to_json(&fix)?;
                finding["fix"]["proposal_id"] = Value::String(self.proposals().insert(fix, true));
                finding["fix"]["next"] = Value::String(next);
            }
        }
        Ok(Answer::Json(value))
    }

    /// `apply`: the proposal `proposal_id` through the session's apply path — live schemas,
    /// server dry-run and diff, server-side apply, audit entry. A proposal that anything
    /// blocks is never applied.
    pub fn apply(&self, input: &ApplyInput) -> ToolResult {
        if !self.allow_apply {
            return Err("apply is not enabled: restart `shipmate mcp` with --allow-apply".into());
        }
        let id = input.proposal_id.trim();
        let Some(kept) = self.proposals().take(id) else {
            return Err(format!(
                "no proposal {id:?} on this server: call `propose` first and pass the \
                 proposal_id it returns (a proposal is applied at most once; the server keeps \
                 the last {KEPT} in memory and forgets them when it restarts)"
            ));
        };
        refuse_unappliable(&kept.proposal)?;
        let mut session = self.session();
        if let Err(message) = connected(&mut session) {
            self.proposals().restore(id.to_owned(), kept);
            return Err(message);
        }
        let mut proposal = kept.proposal;
        let mut ui = Collected::default();
        // A fix takes over the fields it changes, as `shipmate diagnose --fix` does.
        let force = session.options.force;
        session.options.force = force || kept.is_fix;
        let outcome = session.handle(&mut proposal, false, &mut ui);
        session.options.force = force;
        drop(session);
        let mut value = json!({
            "proposal_id": id,
            "status": proposal.status,
            "summary": proposal.summary,
            "applied": proposal.applied,
            "findings": proposal.findings,
            "report": ui.shown,
            "warnings": ui.warnings,
        });
        if !ui.stream.is_empty() {
            value["kubectl_output"] = Value::String(ui.stream_text());
        }
        if !ui.progress.is_empty() {
            value["progress"] = json!(ui.progress);
        }
        match outcome {
            Outcome::Applied { complete: true } => Ok(Answer::Json(value)),
            Outcome::Applied { complete: false } => {
                value["error"] = "the apply stopped part way; `applied.objects` says what \
                                  changed, and `shipmate undo` restores what was there before"
                    .into();
                Ok(Answer::JsonError(value))
            }
            Outcome::Nothing => {
                value["error"] = "not applied: a later check (the cluster's own schema or \
                                  the server dry-run) blocked it; see `findings`"
                    .into();
                Ok(Answer::JsonError(value))
            }
            Outcome::Manual(_) | Outcome::WriteFailed(..) | Outcome::Declined => {
                value["error"] = Value::String(format!(
                    "not applied: {}",
                    if ui.warnings.is_empty() {
                        "the cluster could not check it".to_owned()
                    } else {
                        ui.warnings.join("; ")
                    }
                ));
                Ok(Answer::JsonError(value))
            }
        }
    }
}

/// Why a stored proposal cannot be applied at all, before the cluster is asked.
fn refuse_unappliable(proposal: &Proposal) -> Result<(), String> {
    match proposal.status {
        Status::Proposed if proposal.manifests.is_empty() && proposal.actions.is_empty() => {
            Err("the proposal changes nothing: there is nothing to apply".into())
        }
        Status::Proposed => Ok(()),
        Status::Blocked => {
            let blocking: Vec<String> = proposal
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Block)
                .map(|f| format!("{} ({}): {} — fix: {}", f.gate, f.object, f.message, f.fix))
                .collect();
            Err(format!(
                "refusing to apply a blocked proposal; blocking findings: {}",
                blocking.join("; ")
            ))
        }
        Status::NeedsInput => Err(format!(
            "the proposal needs input before it can be applied: {}; propose again with a \
             complete request",
            proposal.questions.join(" ")
        )),
        Status::NotUnderstood => Err(format!(
            "the request was not understood ({}); nothing to apply",
            proposal.summary
        )),
    }
}

/// Connects the session to its cluster; a cluster that cannot be configured is tried again on
/// the next call (the kubeconfig may be fixed while the server runs).
fn connected(session: &mut Session) -> Result<(), String> {
    session.connect();
    let Err(err) = session.cluster() else {
        return Ok(());
    };
    let message = no_cluster(err);
    let context = session.options.connect.context.clone();
    session.set_context(context);
    Err(message)
}

/// The message for a tool that needs a cluster when there is none.
fn no_cluster(err: &ClusterError) -> String {
    format!(
        "no cluster: {err}. `shipmate mcp` reads the kubeconfig when a cluster tool is called: \
         set KUBECONFIG, or --kubeconfig FILE and --context NAME, in the command your MCP client \
         starts. `validate` and `propose` work without a cluster"
    )
}

fn to_json(value: &impl serde::Serialize) -> Result<Value, String> {
    serde_json::to_value(value)
        .map_err(|e| format!("internal error: cannot encode the answer: {e}"))
}

#[cfg(test)]
#[path = "tools_tests.rs"]
pub(crate) mod tests;
