//! The `rules` backend: offline, deterministic, no network, well under a millisecond.
//!
//! A request goes through four steps: a safety screen (size, shell syntax), tokenising
//! ([`text`]), intent classification ([`intent`]), and slot extraction ([`slots`]); then the
//! intent's handler builds manifests ([`create`]), kubectl actions ([`act`]) or read-only
//! diagnostics ([`troubleshoot`]). When something a handler needs is missing, the answer is
//! `needs_input` with a question naming it — the backend never guesses a name, an image or a
//! count.

mod act;
mod create;
mod history;
mod intent;
mod req;
mod slots;
mod stopwords;
mod text;
mod troubleshoot;
mod verbs;
mod vocab;

use async_trait::async_trait;
use shipmate_manifests::gates::ResourceDefaults;

use crate::backend::{Backend, Context, Request};
use crate::error::BackendError;
use crate::proposal::{Proposal, Status, shell_metachar};

pub use req::Req;
pub use troubleshoot::Diagnosis;
/// Whether a word is a valid Kubernetes object name (for `--anonymize`).
pub(crate) use vocab::is_name;

/// Requests longer than this are not parsed (nobody types a longer one; scripts that send
/// megabytes get a clear answer instead of a slow one).
pub const MAX_REQUEST_BYTES: usize = 4096;

/// What the backend can do, shown with `not_understood`.
pub const HINT: &str = "I can create workloads (deployment, statefulset, daemonset, job, \
cronjob, pod), services, ingresses, configmaps, secrets, namespaces, network policies, PVCs, \
autoscalers, PDBs, service accounts and read-only roles; run kubectl actions (scale, rollout \
restart/undo/status, set image/env, get, describe, logs, events, top, delete, label, cordon, \
drain, expose, autoscale, port-forward, exec); and diagnose failing pods, deployments and \
services. Example: \"create a deployment named web running nginx:1.27 with 3 replicas on port 80\"";

/// The rules backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct RulesBackend;

impl RulesBackend {
    /// Creates the backend.
    pub fn new() -> Self {
        Self
    }

    /// Proposes synchronously (the backend never waits on anything).
    pub fn propose_sync(
        &self,
        text: &str,
        default_namespace: Option<&str>,
        defaults: &ResourceDefaults,
    ) -> Proposal {
        propose(text, default_namespace, defaults)
    }
}

#[async_trait]
impl Backend for RulesBackend {
    fn name(&self) -> &str {
        NAME
    }

    async fn propose(&self, req: &Request, cx: &mut Context<'_>) -> Result<Proposal, BackendError> {
        let first = propose(&req.text, cx.namespace(), cx.resource_defaults());
        // "scale it to 5": a pronoun refers to the last object of the session.
        if first.status == Status::NeedsInput
            && let Some(object) = history::last_object(cx.history())
            && let Some(text) = history::substitute(&req.text, &object)
        {
            let mut resolved = propose(&text, cx.namespace(), cx.resource_defaults());
            if resolved.status == Status::Proposed {
                resolved.request = req.text.clone();
                resolved.summary.push_str(&format!(" (\"it\" = {object})"));
                return Ok(resolved);
            }
        }
        Ok(first)
    }
}

/// The backend's registered name.
pub const NAME: &str = "rules";

/// Turns a request into a proposal.
pub fn propose(
    text: &str,
    default_namespace: Option<&str>,
    defaults: &ResourceDefaults,
) -> Proposal {
    let mut req = match parse(text, default_namespace, defaults) {
        Ok(req) => req,
        Err(refused) => return *refused,
    };
    let mut proposal = match req.intent {
        intent::Intent::Create => create::handle(&mut req),
        intent::Intent::Bind => create::rbac::bind(&mut req),
        intent::Intent::Traffic => create::network::traffic(&mut req),
        intent::Intent::Act(verb) => act::handle(&mut req, verb),
        intent::Intent::Troubleshoot => troubleshoot::handle(&mut req),
        intent::Intent::Unknown => return not_understood(text, ""),
    };
    proposal.request = text.to_owned();
    proposal
}

/// What a troubleshooting request ("why is api-0 crashing?", "what's wrong in namespace
/// shop?") asks to have diagnosed; `None` for any other request. For callers that can read
/// the cluster and run the analyzers instead of listing the commands to run.
pub fn diagnosis(text: &str, default_namespace: Option<&str>) -> Option<Diagnosis> {
    let req = parse(text, default_namespace, &ResourceDefaults::default()).ok()?;
    (req.intent == intent::Intent::Troubleshoot).then(|| troubleshoot::diagnosis(&req))
}

/// The screened, tokenised and classified request; a `not_understood` proposal for one that
/// is empty, too long, or contains shell syntax or control characters.
fn parse(
    text: &str,
    default_namespace: Option<&str>,
    defaults: &ResourceDefaults,
) -> Result<Req, Box<Proposal>> {
    // Arrows (`443 -> 8443`) are words, not redirections.
    let normalised = text
        .replace("->", " to ")
        .replace("=>", " to ")
        .replace('→', " to ");
    let trimmed = normalised.trim();
    if trimmed.is_empty() {
        return Err(Box::new(not_understood(text, "The request is empty.")));
    }
    if trimmed.len() > MAX_REQUEST_BYTES {
        return Err(Box::new(not_understood(
            text,
            &format!(
                "The request is {} bytes long; the rules backend reads requests of up to \
                 {MAX_REQUEST_BYTES} bytes. Ask for one thing at a time.",
                trimmed.len()
            ),
        )));
    }
    if let Some(meta) = shell_metachar(trimmed) {
        return Err(Box::new(not_understood(
            text,
            &format!(
                "The request contains shell syntax (`{meta}`). shipmate proposes kubectl \
                 commands as argument vectors and never runs a shell; ask for one action in \
                 plain words."
            ),
        )));
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(Box::new(not_understood(
            text,
            "The request contains control characters.",
        )));
    }
    Ok(Req::new(text, trimmed, default_namespace, defaults))
}

/// A `not_understood` answer with what the backend can do.
pub(crate) fn not_understood(request: &str, why: &str) -> Proposal {
    let summary = if why.is_empty() {
        format!("I did not understand the request. {HINT}")
    } else {
        format!("{why} {HINT}")
    };
    Proposal::new(NAME, request, Status::NotUnderstood, summary)
}
