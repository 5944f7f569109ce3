//! `shipmate undo [ID] [--yes]`: restores what an applied change (default: the latest not yet
//! undone) changed, after showing the steps and asking.

use shipmate_plugins::Registry;

use crate::cli::{Output, UndoArgs};
use crate::exit::ExitCode;
use crate::output;
use crate::session::{Session, UndoOutcome};

/// Runs `shipmate undo`.
pub fn run(args: &UndoArgs) -> anyhow::Result<ExitCode> {
    let backend = Registry::builtin().create("rules")?;
    let options = args.cluster.session_options(None);
    let mut session = Session::new(
        backend,
        None,
        shipmate_manifests::SchemaSet::bundled(),
        options,
    )?;
    let mut ui = super::ask::AskUi::new(args.output);
    match session.undo(args.id.as_deref(), &mut ui) {
        UndoOutcome::Refused(msg) => {
            eprintln!("shipmate: error: {msg}");
            Ok(ExitCode::Error)
        }
        UndoOutcome::Declined => Ok(ExitCode::Ok),
        UndoOutcome::Ran(report) => {
            if args.output != Output::Text {
                output::print_structured(args.output, &report)?;
            }
            Ok(if report.complete {
                ExitCode::Ok
            } else {
                ExitCode::ApplyFailed
            })
        }
    }
}
