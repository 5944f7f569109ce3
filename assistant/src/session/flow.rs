//! [`Session::handle`]: what happens to a validated proposal — the server dry-run and diff,
//! the confirmation, then the apply or the manual fallback, and the audit entry. `ask` and the
//! REPL differ only in their [`Ui`].

use std::io::Write;
use std::sync::atomic::Ordering;

use shipmate_plugins::{Applied, ManualReason, Proposal, Status};

use super::confirm::{Choice, Prompter};
use super::execute::{Execution, audit_entry, cluster_apply, execute, rollouts};
use super::review::{Review, review, review_actions};
use super::{ClusterState, Session, edit};
use crate::apply::{ApplyOptions, Kubectl, Progress, WaitOptions, wait_for_rollouts};
use crate::audit::{AuditLog, Decision, Entry};
use crate::clock::Utc;
use crate::cluster::add_live_schemas;
use crate::render;
use crate::style::Style;
use crate::{fallback, pipeline};

/// Where a session shows things and asks.
pub trait Ui {
    /// Shows human text (diffs, reports, notes).
    fn show(&mut self, text: &str);
    /// A warning or error line (stderr).
    fn warn(&mut self, text: &str) {
        eprintln!("shipmate: {text}");
    }
    /// A progress line (a rollout being followed); stderr by default.
    fn progress(&mut self, text: &str) {
        eprintln!("  {text}");
    }
    /// Where the output of kubectl actions is streamed.
    fn stream(&mut self) -> &mut (dyn Write + Send);
    /// Who is asked to confirm.
    fn prompter(&mut self) -> &mut dyn Prompter;
    /// How to paint text.
    fn style(&self) -> Style;
}

/// What [`Session::handle`] did with a proposal.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to apply or hand over: blocked, needs input, not understood, or empty.
    Nothing,
    /// Applied; `complete` is false when it stopped at a failure or was cancelled.
    Applied {
        /// Whether everything went through.
        complete: bool,
    },
    /// Handed over as files and commands (`proposal.applied` says where), or only commands
    /// when there were no manifests.
    Manual(ManualReason),
    /// The manual fallback was due but its files could not be written (the proposal is still
    /// printed in full).
    WriteFailed(ManualReason, anyhow::Error),
    /// The person said no.
    Declined,
}

impl Session {
    /// Takes a validated proposal the rest of the way (see the module documentation), filling
    /// in `proposal.applied`.
    pub fn handle(&mut self, proposal: &mut Proposal, no_apply: bool, ui: &mut dyn Ui) -> Outcome {
        if proposal.status != Status::Proposed {
            if proposal.status == Status::Blocked {
                record(&Entry::untouched(proposal, Decision::Blocked, None), ui);
            }
            return Outcome::Nothing;
        }
        if proposal.manifests.is_empty() && proposal.actions.is_empty() {
            return Outcome::Nothing;
        }
        if no_apply {
            return self.manual(proposal, ManualReason::NoApply, ui);
        }
        self.connect();
        if let Err(err) = self.cluster() {
            let reason = err.manual_reason().unwrap_or(ManualReason::NoCluster);
            ui.warn(&format!("not applying: {err}"));
            return self.manual(proposal, reason, ui);
        }
        self.cancel.store(false, Ordering::SeqCst);
        self.live_schemas(proposal, ui);
        if let Some(cancelled) = self.if_cancelled(proposal, ui) {
            return cancelled;
        }
        if proposal.status != Status::Proposed {
            return stopped(proposal, ui);
        }
        loop {
            let review = self.review(proposal);
            if let Some(cancelled) = self.if_cancelled(proposal, ui) {
                return cancelled;
            }
            if let Some((reason, err)) = &review.fallback {
                ui.warn(&format!("not applying: {err}"));
                return self.manual(proposal, *reason, ui);
            }
            ui.show(&render::apply::review(&review, ui.style()));
            if proposal.status == Status::Blocked {
                return stopped(proposal, ui);
            }
            if !self.options.approval.needs_confirmation(proposal) {
                break;
            }
            if !ui.prompter().interactive() {
                return self.manual(proposal, ManualReason::NotConfirmed, ui);
            }
            let question = format!("Apply to {}? [y]es/[n]o/[e]dit/[m]anual: ", self.target());
            match ui.prompter().choose(&question) {
                Some(Choice::Yes) => break,
                Some(Choice::Manual) => return self.manual(proposal, ManualReason::Chosen, ui),
                Some(Choice::Edit) => {
                    self.edit(proposal, ui);
                    self.live_schemas(proposal, ui);
                }
                Some(Choice::No) | None => {
                    record(&Entry::untouched(proposal, Decision::Declined, None), ui);
                    ui.show("Nothing was applied.\n");
                    return Outcome::Declined;
                }
            }
            if proposal.status != Status::Proposed {
                return stopped(proposal, ui);
            }
        }
        self.run(proposal, ui)
    }

    /// Validates the manifests against the cluster's own OpenAPI v3 schemas (custom resources
    /// included); the bundled schema stays the fallback, with a one-line note.
    fn live_schemas(&mut self, proposal: &mut Proposal, ui: &mut dyn Ui) {
        if proposal.manifests.is_empty() {
            return;
        }
        let ClusterState::Connected(cluster) = &self.cluster else {
            return;
        };
        let (schemas, cancel) = (&mut self.schemas, &self.cancel);
        let live = self.runtime.block_on(async {
            tokio::select! {
                live = add_live_schemas(cluster, &proposal.manifests, schemas) => Some(live),
                () = super::cancelled(cancel) => None,
            }
        });
        let Some(live) = live else { return };
        if let Some(note) = &live.fallback {
            ui.warn(note);
        }
        if !live.live.is_empty() {
            pipeline::revalidate_schemas(proposal, &self.schemas);
        }
    }

    /// After a step that Ctrl-C may have abandoned: the proposal counts as declined.
    fn if_cancelled(&self, proposal: &Proposal, ui: &mut dyn Ui) -> Option<Outcome> {
        if !self.cancel.load(Ordering::SeqCst) {
            return None;
        }
        record(&Entry::untouched(proposal, Decision::Declined, None), ui);
        ui.show("Cancelled (Ctrl-C) while checking with the cluster: nothing was applied.\n");
        Some(Outcome::Declined)
    }

    /// The apply options the session's flags ask for (`--force`, `--concurrency`).
    fn apply_options(&self) -> ApplyOptions {
        ApplyOptions::new()
            .force(self.options.force)
            .concurrency(self.options.concurrency)
    }

    /// `context (server)` for the confirmation question.
    fn target(&self) -> String {
        match self.cluster() {
            Ok(c) => match c.context() {
                Some(ctx) => format!("{ctx} ({})", c.url()),
                None => c.url().to_owned(),
            },
            Err(_) => "the cluster".into(),
        }
    }

    /// The server dry-run and diff; abandoned (an empty review) when Ctrl-C sets the cancel
    /// flag.
    pub(super) fn review(&self, proposal: &mut Proposal) -> Review {
        let Ok(cluster) = self.cluster() else {
            return Review::default();
        };
        let kubectl = Kubectl::for_session(&self.options.connect, cluster);
        self.runtime.block_on(async {
            let checks = async {
                let mut review = if proposal.manifests.is_empty() {
                    Review::default()
                } else {
                    review(cluster, proposal, &self.apply_options()).await
                };
                review_actions(cluster, &kubectl, proposal, &mut review).await;
                review
            };
            tokio::select! {
                done = checks => done,
                () = super::cancelled(&self.cancel) => Review::default(),
            }
        })
    }

    /// Opens `proposal` in `$EDITOR`, validates what comes back and shows it (the
    /// confirmation's "edit", and the REPL's `/edit`).
    pub fn edit(&mut self, proposal: &mut Proposal, ui: &mut dyn Ui) {
        match edit::edit(proposal) {
            Ok(Some(edited)) => {
                edit::replace(proposal, edited);
                self.validate(proposal);
                ui.show(&render::proposal::body(proposal, ui.style()));
            }
            Ok(None) => ui.show("The edit was emptied; the proposal is unchanged.\n"),
            Err(err) => ui.warn(&format!("error: {err:#}")),
        }
    }

    fn run(&mut self, proposal: &mut Proposal, ui: &mut dyn Ui) -> Outcome {
        let flag = self.cancel_flag();
        flag.store(false, Ordering::SeqCst);
        self.install_interrupt_handler();
        let Ok(cluster) = self.cluster() else {
            return Outcome::Nothing;
        };
        let opts = self.apply_options().cancel_on(flag);
        let kubectl = Kubectl::for_session(&self.options.connect, cluster);
        let ex: Execution =
            self.runtime
                .block_on(execute(cluster, &kubectl, proposal, &opts, ui.stream()));
        let entry = audit_entry(cluster, proposal, &ex);
        // Reads change nothing: they are not audited and there is nothing to undo.
        let logged = proposal.mutates() && record(&entry, ui);
        let mut applied = cluster_apply(cluster, &ex, logged.then(|| entry.id.clone()));
        ui.show(&render::apply::execution(&applied, ui.style()));
        if let Some(timeout) = self.options.wait
            && applied.complete
        {
            let objects = rollouts(&ex);
            if !objects.is_empty() {
                let opts = WaitOptions::new()
                    .timeout(timeout)
                    .cancel(self.cancel_flag());
                let waited = self.runtime.block_on(wait_for_rollouts(
                    cluster,
                    &objects,
                    &opts,
                    |p: &Progress| ui.progress(&p.to_string()),
                ));
                if let Err(err) = &waited {
                    ui.warn(&format!("error: {err}"));
                } else {
                    ui.show(&format!("✓ {} rollout(s) complete\n", objects.len()));
                }
                applied.rollouts_complete = Some(waited.is_ok());
            }
        }
        let complete = applied.complete && applied.rollouts_complete != Some(false);
        proposal.applied = Some(Applied::Cluster(applied));
        let partial = !ex.is_complete() && ex.changed_anything() && logged;
        if partial && ui.prompter().interactive() {
            if ui
                .prompter()
                .yes_no("Part of the change was applied. Undo that part now? [y/N]: ")
            {
                // Already confirmed: the steps are shown, then run.
                let _ = self.undo_entry(Some(&entry.id), ui, false);
            }
        } else if partial {
            ui.show(&format!(
                "Part of the change was applied. To restore what was there before: \
                 `shipmate undo {}` (or /undo in the REPL)\n",
                entry.id
            ));
        }
        Outcome::Applied { complete }
    }

    /// Hands the proposal over: manifests to a new directory, commands listed (the
    /// confirmation's "manual", and the REPL's `/manual`).
    pub fn manual(
        &mut self,
        proposal: &mut Proposal,
        reason: ManualReason,
        ui: &mut dyn Ui,
    ) -> Outcome {
        if !fallback::applies_to(proposal) {
            return Outcome::Manual(reason);
        }
        let base = fallback::base_dir(self.options.out_dir.as_deref());
        match fallback::write(proposal, &base, reason, Utc::now()) {
            Ok(m) => {
                let dir = std::path::absolute(&m.directory)
                    .map_or_else(|_| m.directory.clone(), |p| p.display().to_string());
                proposal.applied = Some(Applied::Manual(m));
                record(&Entry::untouched(proposal, Decision::Manual, Some(dir)), ui);
                Outcome::Manual(reason)
            }
            Err(err) => Outcome::WriteFailed(reason, err),
        }
    }

    /// On the first apply of a session (from the start, in the REPL), Ctrl-C stops being
    /// fatal: it sets the cancel flag, and the applier sends nothing more (what is in flight
    /// finishes and is reported); a backend still working is abandoned.
    pub fn install_interrupt_handler(&mut self) {
        if self.interrupt_installed {
            return;
        }
        self.interrupt_installed = true;
        let flag = self.cancel_flag();
        self.runtime.spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::SeqCst);
                eprintln!("\nshipmate: cancelling: nothing more will be sent");
            }
        });
    }
}

/// Ends the turn of a proposal that a later check (live schemas, the server's dry-run, an edit)
/// stopped: shows the findings that stopped it and records a block.
fn stopped(proposal: &Proposal, ui: &mut dyn Ui) -> Outcome {
    ui.show(&render::proposal::findings(proposal, ui.style()));
    if proposal.status == Status::Blocked {
        record(&Entry::untouched(proposal, Decision::Blocked, None), ui);
    }
    Outcome::Nothing
}

/// Appends `entry` to the audit log; a failure is a warning. Returns whether it was written.
fn record(entry: &Entry, ui: &mut dyn Ui) -> bool {
    let result = AuditLog::default_location().and_then(|log| log.append(entry));
    match result {
        Ok(()) => true,
        Err(err) => {
            ui.warn(&format!(
                "warning: this decision was not recorded in the audit log: {err:#}"
            ));
            false
        }
    }
}
