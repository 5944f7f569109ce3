//! Looking at a proposal again without deciding anything: the REPL's `/diff` re-runs the
//! server dry-run (of manifests and native actions) and shows the diff, as the confirmation
//! would.

use std::sync::atomic::Ordering;

use shipmate_plugins::{Proposal, Status};

use super::{Session, Ui};
use crate::render;

impl Session {
    /// Dry-runs `proposal` on the cluster again and shows the diff of live vs proposed, how
    /// each action would run, and what the server rejected. Changes nothing, records nothing;
    /// `proposal` is untouched.
    pub fn show_diff(&mut self, proposal: &Proposal, ui: &mut dyn Ui) {
        if proposal.manifests.is_empty() && proposal.actions.is_empty() {
            ui.show("The proposal changes nothing, so there is nothing to diff.\n");
            return;
        }
        self.connect();
        if let Err(err) = self.cluster() {
            ui.warn(&format!("cannot diff without a cluster: {err}"));
            return;
        }
        let mut checked = proposal.clone();
        self.cancel.store(false, Ordering::SeqCst);
        let review = self.review(&mut checked);
        if self.cancel.swap(false, Ordering::SeqCst) {
            ui.show("Cancelled (Ctrl-C).\n");
            return;
        }
        if let Some((_, err)) = &review.fallback {
            ui.warn(&format!("cannot diff: {err}"));
            return;
        }
        ui.show(&render::apply::review(&review, ui.style()));
        if checked.status == Status::Blocked {
            ui.show(&render::proposal::findings(&checked, ui.style()));
        }
    }
}
