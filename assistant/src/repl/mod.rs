//! The REPL (`shipmate`, `shipmate repl`): one [`Session`] for a whole conversation, so "scale
//! it to 3" knows what "it" is, and every request takes the same path as `ask` — propose,
//! validate, dry-run and diff, confirm, apply or hand over, audit.
//!
//! The line editor is rustyline: history persists in `$XDG_STATE_HOME/shipmate/repl_history`
//! (mode 0600), Tab completes meta-commands, kinds and names from the cluster, and a line
//! ending in `\` continues on the next. Ctrl-C at the prompt clears the line; while a step
//! runs it sets the session's cancel flag (the backend's answer is abandoned, the applier sends
//! nothing more) and the REPL goes on; Ctrl-D leaves. With stdin from a pipe the REPL reads
//! one request per line, without spinner or colour, and confirms nothing.

mod complete;
mod handlers;
mod line_history;
mod meta;
mod names;
mod prompt;
pub(crate) mod spinner;
mod ui;

use std::io::IsTerminal;

use rustyline::error::ReadlineError;
use rustyline::{CompletionType, Config, Editor};
use shipmate_plugins::{Proposal, Registry};

use crate::cli::ReplArgs;
use crate::exit::ExitCode;
use crate::render;
use crate::session::{Outcome, Session, Troubleshoot, Ui};
use complete::ReplHelper;
use names::{ClusterNames, NameCache, NameSource};
use spinner::Spinner;
use ui::ReplUi;

/// Runs the REPL until `/exit` or end of input.
pub fn run(args: &ReplArgs) -> anyhow::Result<ExitCode> {
    // On a terminal the model's explanation streams in as it is written.
    let stream = std::io::stdout().is_terminal();
    let Some(session) = crate::commands::ask::session_from(&args.session, stream)? else {
        return Ok(ExitCode::Usage);
    };
    Repl::new(session)?.run()
}

/// Whether the loop goes on.
#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Exit,
}

/// The REPL's state: the session, the line editor, and the last proposal (what `/show`,
/// `/diff`, `/apply`, `/edit` and `/manual` act on).
struct Repl {
    session: Session,
    ui: ReplUi,
    last: Option<Proposal>,
    history: Option<std::path::PathBuf>,
}

impl Repl {
    fn new(mut session: Session) -> anyhow::Result<Repl> {
        // From now on Ctrl-C outside the line editor cancels a step instead of ending shipmate.
        session.install_interrupt_handler();
        // Builds the client only (no request), for the prompt and name completion.
        session.connect();
        let config = Config::builder()
            .auto_add_history(false)
            .completion_type(CompletionType::List)
            .history_ignore_space(true)
            .max_history_size(2000)?
            .build();
        let mut editor = Editor::with_config(config)?;
        editor.set_helper(Some(helper(&session)));
        let history = line_history::open(&mut editor);
        Ok(Repl {
            session,
            ui: ReplUi::new(editor),
            last: None,
            history,
        })
    }

    fn run(&mut self) -> anyhow::Result<ExitCode> {
        if std::io::stdin().is_terminal() {
            self.ui.show(&format!(
                "shipmate {} — backend {}. Ask in plain language; /help for commands, Ctrl-D to leave.\n",
                env!("CARGO_PKG_VERSION"),
                self.session.backend_name()
            ));
        }
        loop {
            let prompt = prompt::prompt(&self.session);
            match self.ui.editor().readline(&prompt) {
                Ok(input) => {
                    let text = complete::join_continuations(&input);
                    if text.trim().is_empty() {
                        continue;
                    }
                    line_history::add(self.ui.editor(), self.history.as_deref(), &text);
                    if self.step(text.trim()) == Flow::Exit {
                        break;
                    }
                }
                // Like a shell: Ctrl-C abandons the line being typed.
                Err(ReadlineError::Interrupted) => {}
                Err(ReadlineError::Eof) => break,
                Err(err) => return Err(anyhow::Error::new(err).context("cannot read input")),
            }
        }
        Ok(ExitCode::Ok)
    }

    /// One input: a meta-command or a request.
    fn step(&mut self, text: &str) -> Flow {
        match meta::parse(text) {
            Some(Ok(command)) => self.meta(command),
            Some(Err(message)) => {
                self.ui.warn(&message);
                Flow::Continue
            }
            None => {
                self.request(text);
                Flow::Continue
            }
        }
    }

    /// A request: propose (with a spinner), show, then dry-run, diff, confirm, apply. A
    /// troubleshooting request with a readable cluster is diagnosed instead, and each fix is
    /// offered.
    fn request(&mut self, text: &str) {
        if self.troubleshoot(text) {
            return;
        }
        let proposed = {
            let mut spinner =
                Spinner::start(&format!("{} is thinking", self.session.backend_name()));
            self.session.propose(text, &mut spinner)
        };
        match proposed {
            Ok(proposal) => {
                self.ui
                    .show(&render::proposal::body(&proposal, self.ui.style()));
                self.last = Some(proposal);
                self.decide();
            }
            Err(err) => self.ui.warn(&format!("{err:#}")),
        }
    }

    /// Diagnoses a troubleshooting request on the cluster: the findings, then each fix through
    /// the confirmation. False when the request is not one or no cluster can be read (the
    /// backend's commands to run answer it then).
    fn troubleshoot(&mut self, text: &str) -> bool {
        let asked = {
            let mut spinner = Spinner::start("diagnosing");
            self.session.troubleshoot(text, &mut spinner)
        };
        let mut report = match asked {
            Troubleshoot::NotAsked => return false,
            Troubleshoot::NoCluster(why) => {
                self.ui.warn(&format!(
                    "no cluster to diagnose ({why}); the commands to run:"
                ));
                return false;
            }
            Troubleshoot::Failed(err) => {
                self.ui.warn(&format!("{err:#}"));
                return true;
            }
            Troubleshoot::Diagnosed(report) => report,
        };
        self.ui
            .show(&render::diagnose::report(&report, self.ui.style(), ""));
        let outcomes = self.session.fix(&mut report.findings, false, &mut self.ui);
        let steps = crate::commands::diagnose::fix_footers(&report, &outcomes, self.ui.style());
        self.ui.show(&steps);
        true
    }

    /// Takes the last proposal through the session's confirmation (the new request's, or
    /// `/apply`).
    fn decide(&mut self) {
        let Some(proposal) = self.last.as_mut() else {
            return;
        };
        proposal.applied = None;
        let outcome = self.session.handle(proposal, false, &mut self.ui);
        self.after(&outcome);
    }

    /// Ends a turn: the manual steps, or why nothing happened.
    fn after(&mut self, outcome: &Outcome) {
        let Some(proposal) = &self.last else { return };
        if let Some(steps) = crate::commands::ask::footer(proposal, outcome, self.ui.style()) {
            self.ui.show(&format!("\n{steps}"));
        }
        if let Outcome::WriteFailed(_, err) = outcome {
            self.ui.warn(&format!("error: {err:#}"));
        }
    }

    /// Rebuilds what completion knows after the cluster, context or namespace changed.
    fn refresh_helper(&mut self) {
        let helper = helper(&self.session);
        self.ui.editor().set_helper(Some(helper));
    }
}

/// The completion helper for `session`'s cluster, namespace and contexts.
fn helper(session: &Session) -> ReplHelper {
    let names: Option<Box<dyn NameSource>> = session.cluster().ok().map(|cluster| {
        let runtime = session.block_on(async { tokio::runtime::Handle::current() });
        Box::new(ClusterNames::new(cluster.client().clone(), runtime)) as Box<dyn NameSource>
    });
    ReplHelper {
        names: NameCache::new(names),
        namespace: prompt::namespace(session),
        contexts: prompt::contexts(&session.options.connect)
            .map(|(names, _)| names)
            .unwrap_or_default(),
        backends: Registry::builtin()
            .list()
            .map(|(name, _)| name.to_owned())
            .collect(),
    }
}
