//! What each meta-command does. Everything that could change the cluster goes through the
//! session (`handle`, `manual`, `undo`), with the same confirmation as a request.

use shipmate_plugins::{BackendError, ManualReason, Registry};

use super::meta::{self, Meta};
use super::{Flow, Repl, prompt};
use crate::render;
use crate::session::{Ui, UndoOutcome};

impl Repl {
    /// Runs a meta-command.
    pub(super) fn meta(&mut self, command: Meta) -> Flow {
        match command {
            Meta::Help => self.ui.show(&meta::help()),
            Meta::Show => {
                let style = self.ui.style();
                if let Some(text) = self.last_or_say().map(|p| render::proposal::body(p, style)) {
                    self.ui.show(&text);
                }
            }
            Meta::Diff => {
                if let Some(p) = self.last.take() {
                    self.session.show_diff(&p, &mut self.ui);
                    self.last = Some(p);
                } else {
                    self.say_no_proposal();
                }
            }
            Meta::Apply => {
                if self.last_or_say().is_some() {
                    self.decide();
                }
            }
            Meta::Edit => self.edit(),
            Meta::Manual => self.manual(),
            Meta::Undo(id) => self.undo(id.as_deref()),
            Meta::History(limit) => match crate::commands::history::text(limit) {
                Ok(text) => self.ui.show(&text),
                Err(err) => self.ui.warn(&format!("{err:#}")),
            },
            Meta::Chart { dir, force } => self.chart(&dir, force),
            Meta::Cost => {
                let u = self.session.usage();
                self.ui.show(&format!(
                    "{} model call(s): {} prompt + {} completion = {} tokens (backend {})\n",
                    u.calls,
                    u.prompt_tokens,
                    u.completion_tokens,
                    u.total_tokens(),
                    self.session.backend_name()
                ));
            }
            Meta::Backend(name) => self.backend(name.as_deref()),
            Meta::Context(name) => self.context(name),
            Meta::Namespace(name) => self.namespace(name),
            Meta::Approval(None) => {
                let current = self.session.options.approval.as_str();
                self.ui.show(&format!("approval: {current}\n"));
            }
            Meta::Approval(Some(policy)) => {
                self.session.options.approval = policy;
                self.ui.show(&format!("approval: {}\n", policy.as_str()));
            }
            Meta::Clear => {
                self.session.clear_history();
                self.last = None;
                self.ui
                    .show("Forgot the conversation: \"it\" refers to nothing now.\n");
            }
            Meta::Exit => return Flow::Exit,
        }
        Flow::Continue
    }

    /// The last proposal, or a note that there is none yet.
    fn last_or_say(&mut self) -> Option<&shipmate_plugins::Proposal> {
        if self.last.is_none() {
            self.say_no_proposal();
        }
        self.last.as_ref()
    }

    fn say_no_proposal(&mut self) {
        self.ui
            .warn("there is no proposal yet: ask for something first (/help shows how)");
    }

    fn edit(&mut self) {
        let Some(mut p) = self.last.take() else {
            return self.say_no_proposal();
        };
        self.session.edit(&mut p, &mut self.ui);
        self.last = Some(p);
        self.ui.show(
            "/apply applies it (after the diff and your confirmation); /diff shows the diff.\n",
        );
    }

    fn manual(&mut self) {
        let Some(mut p) = self.last.take() else {
            return self.say_no_proposal();
        };
        p.applied = None;
        let outcome = self
            .session
            .manual(&mut p, ManualReason::Chosen, &mut self.ui);
        self.last = Some(p);
        self.after(&outcome);
    }

    /// `/chart DIR`: the last proposal as a Helm chart (only one that no finding blocks).
    fn chart(&mut self, dir: &str, force: bool) {
        let Some(p) = self.last_or_say() else {
            return;
        };
        if p.status != shipmate_plugins::Status::Proposed || p.manifests.is_empty() {
            let why = format!(
                "the last proposal is {} with {} manifest(s): only a proposal with manifests and \
                 no blocking finding becomes a chart",
                p.status.as_str(),
                p.manifests.len()
            );
            return self.ui.warn(&why);
        }
        let dir = std::path::Path::new(dir);
        let result = crate::commands::draft::default_name(dir)
            .and_then(|name| crate::commands::draft::write(p, dir, &name, force));
        match result {
            Ok(drafted) => {
                let text = crate::commands::draft::summary(&drafted, self.ui.style());
                self.ui.show(&text);
            }
            Err(err) => self.ui.warn(&format!("{err:#}")),
        }
    }

    fn undo(&mut self, id: Option<&str>) {
        match self.session.undo(id, &mut self.ui) {
            UndoOutcome::Refused(message) => self.ui.warn(&message),
            UndoOutcome::Declined | UndoOutcome::Ran(_) => {}
        }
    }

    fn backend(&mut self, name: Option<&str>) {
        let registry = Registry::builtin();
        let Some(name) = name else {
            let current = self.session.backend_name().to_owned();
            let mut text = String::from("Backends (/backend NAME switches):\n");
            for (name, about) in registry.list() {
                let mark = if name == current { '*' } else { ' ' };
                text.push_str(&format!("{mark} {name:<10} {about}\n"));
            }
            return self.ui.show(&text);
        };
        match registry.create_with(name, &self.session.options.backend) {
            Ok(backend) => {
                self.session.set_backend(backend);
                self.ui.show(&format!("backend: {name}\n"));
            }
            Err(err @ BackendError::UnknownBackend { .. }) => self.ui.warn(&err.to_string()),
            Err(err) => self
                .ui
                .warn(&format!("cannot switch to backend `{name}`: {err}")),
        }
    }

    fn context(&mut self, name: Option<String>) {
        let (known, current) = match prompt::contexts(&self.session.options.connect) {
            Ok(found) => found,
            Err(message) => return self.ui.warn(&message),
        };
        let Some(name) = name else {
            let active = self.session.options.connect.context.clone().or(current);
            let mut text = String::from("Contexts (/context NAME switches):\n");
            for c in &known {
                let mark = if Some(c) == active.as_ref() { '*' } else { ' ' };
                text.push_str(&format!("{mark} {c}\n"));
            }
            return self.ui.show(&text);
        };
        if !known.contains(&name) {
            return self.ui.warn(&format!(
                "there is no context `{name}` in the kubeconfig; the contexts are: {}",
                known.join(", ")
            ));
        }
        self.session.set_context(Some(name.clone()));
        self.session.connect();
        match self.session.cluster() {
            Ok(c) => {
                let text = format!("context: {name} ({})\n", c.url());
                self.ui.show(&text);
            }
            Err(err) => {
                let text = format!("context {name}: {err}");
                self.ui.warn(&text);
            }
        }
        self.refresh_helper();
    }

    fn namespace(&mut self, name: Option<String>) {
        if let Some(name) = name {
            self.session.options.namespace = Some(name);
            self.refresh_helper();
        }
        let text = format!("namespace: {}\n", prompt::namespace(&self.session));
        self.ui.show(&text);
    }
}
