//! Diagnosis in a session: [`Session::diagnose`] reads the cluster and runs the analyzers;
//! [`Session::fix`] takes each finding's fix through the same pipeline as any proposal
//! (schema, gates, server dry-run, diff, confirmation, apply, audit, undo).

use anyhow::Context as _;
use shipmate_plugins::Progress;
use shipmate_plugins::analyze::Finding;

use super::{Outcome, Session, Ui};
use crate::diagnose::{Limits, Report, Request, run};
use crate::render;

impl Session {
    /// Diagnoses what `request` names on the session's cluster (connecting on first use);
    /// Ctrl-C abandons it.
    ///
    /// # Errors
    /// No usable kubeconfig, an unreachable cluster, rejected credentials, a missing target.
    pub fn diagnose(
        &mut self,
        request: &Request,
        progress: &mut dyn Progress,
    ) -> anyhow::Result<Report> {
        self.connect();
        let cluster = self
            .cluster()
            .map_err(|e| anyhow::anyhow!("cannot diagnose: {e}"))?;
        let place = match cluster.context() {
            Some(ctx) => format!("context {ctx} at {}", cluster.url()),
            None => cluster.url().to_owned(),
        };
        let defaults = self
            .gates
            .as_ref()
            .map(|c| c.defaults().clone())
            .unwrap_or_default();
        let cancel = std::sync::Arc::clone(&self.cancel);
        cancel.store(false, std::sync::atomic::Ordering::SeqCst);
        let limits = Limits::default();
        let report = self.runtime.block_on(async {
            tokio::select! {
                r = run(cluster, request, &limits, &defaults, progress) => Some(r),
                () = super::cancelled(&cancel) => None,
            }
        });
        match report {
            None => anyhow::bail!("cancelled (Ctrl-C): the diagnosis was abandoned"),
            Some(r) => r.with_context(|| format!("cannot diagnose ({place})")),
        }
    }

    /// Offers the fix of every finding that has one, in report order, through
    /// [`Session::handle`] (`no_apply`: straight to the manual fallback); `fix` is filled in
    /// with what happened (`applied`). Returns the outcomes, in the order of the fixes.
    pub fn fix(
        &mut self,
        findings: &mut [Finding],
        no_apply: bool,
        ui: &mut dyn Ui,
    ) -> Vec<Outcome> {
        // A fix is the live object with only the fields it means to change changed, so the
        // only fields server-side apply can find in conflict are those: taking them over from
        // their manager (kubectl, Helm, a seed) is the fix, not an accident.
        let force = std::mem::replace(&mut self.options.force, true);
        let mut outcomes = Vec::new();
        for f in findings.iter_mut() {
            let object = f.object.to_string();
            let Some(fix) = &mut f.fix else { continue };
            self.validate(fix);
            ui.show(&format!("\nFix for {object} ({}):\n", f.id));
            ui.show(&render::proposal::body(fix, ui.style()));
            outcomes.push(self.handle(fix, no_apply, ui));
        }
        self.options.force = force;
        outcomes
    }
}

/// What [`Session::troubleshoot`] made of a request.
#[derive(Debug)]
pub enum Troubleshoot {
    /// Not a troubleshooting request, or a backend other than `rules` (an LLM reaches the
    /// analyzers through its `diagnose` tool instead).
    NotAsked,
    /// A troubleshooting request, but no cluster could be read: the backend's answer (the
    /// commands to run) stands. Says why.
    NoCluster(String),
    /// The diagnosis could not be made for another reason (the named object does not exist).
    Failed(anyhow::Error),
    /// The diagnosis.
    Diagnosed(Box<Report>),
}

impl Session {
    /// With the rules backend, a troubleshooting request ("why is api-0 crashing?", "what's
    /// wrong in namespace shop?") is diagnosed on the cluster by the analyzers.
    pub fn troubleshoot(&mut self, text: &str, progress: &mut dyn Progress) -> Troubleshoot {
        if self.backend.name() != shipmate_plugins::rules::NAME {
            return Troubleshoot::NotAsked;
        }
        let ns = self.options.namespace.clone();
        let Some(asked) = shipmate_plugins::rules::diagnosis(text, ns.as_deref()) else {
            return Troubleshoot::NotAsked;
        };
        self.connect();
        let default_ns = match self.cluster() {
            Ok(c) => c.namespace().to_owned(),
            Err(e) => return Troubleshoot::NoCluster(e.to_string()),
        };
        // A kind the analyzers do not take as a target (a namespace word, say) means the
        // whole namespace.
        let target = asked
            .object
            .as_deref()
            .and_then(|o| crate::diagnose::Target::parse(o).ok());
        let request = Request {
            namespace: (!asked.all_namespaces).then(|| asked.namespace.unwrap_or(default_ns)),
            target,
        };
        match self.diagnose(&request, progress) {
            Ok(report) => Troubleshoot::Diagnosed(Box::new(report)),
            Err(err) if err.chain().any(|c| c.is::<crate::cluster::ClusterError>()) => {
                Troubleshoot::NoCluster(format!("{err:#}"))
            }
            Err(err) => Troubleshoot::Failed(err),
        }
    }
}
