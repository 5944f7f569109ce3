//! `shipmate diagnose [KIND/NAME] [-n NS | -A] [--output text|json] [--fix]`: what is wrong,
//! why, and how to fix it, with an exit code a CI job can act on (0 nothing at warning or
//! above, 6 problems found, 5 a fix failed to apply, 1 the cluster could not be read, 2 usage).

use shipmate_plugins::BackendOptions;

use crate::cli::{DiagnoseArgs, Output};
use crate::commands::ask::{AskUi, exit_code, footer, session};
use crate::diagnose::{Request, Target};
use crate::exit::ExitCode;
use crate::repl::spinner::Spinner;
use crate::session::{Outcome, Ui};
use crate::style::Style;
use crate::{output, render};

/// Runs `shipmate diagnose`.
pub fn run(args: &DiagnoseArgs) -> anyhow::Result<ExitCode> {
    let target = match args.target.as_deref().map(Target::parse).transpose() {
        Ok(t) => t,
        Err(err) => {
            eprintln!("shipmate: error: {err}");
            return Ok(ExitCode::Usage);
        }
    };
    let backend = BackendOptions::default();
    let Some(mut session) = session(
        "rules",
        &backend,
        &args.gates,
        &args.cluster,
        args.namespace.clone(),
    )?
    else {
        return Ok(ExitCode::Usage);
    };
    session.connect();
    let namespace = match session.cluster() {
        Ok(_) if args.all_namespaces => None,
        Ok(c) => Some(c.namespace().to_owned()),
        Err(_) => None,
    };
    let request = Request { namespace, target };
    let mut report = {
        // Silent unless stderr is a terminal.
        let mut spinner = Spinner::start("listing…");
        session.diagnose(&request, &mut spinner)?
    };
    let mut ui = AskUi::new(args.output);
    if args.output == Output::Text {
        let hint = if args.fix { "" } else { "run with --fix" };
        ui.show(&render::diagnose::report(&report, ui.style(), hint));
    }
    let outcomes = if args.fix {
        session.fix(&mut report.findings, false, &mut ui)
    } else {
        Vec::new()
    };
    if args.output == Output::Text {
        output::print(&fix_footers(&report, &outcomes, ui.style()))?;
    }
    if args.output != Output::Text {
        output::print_structured(args.output, &report)?;
    }
    Ok(code(&report, &outcomes))
}

/// The exit code: a fix that failed first (1 or 5), then whether problems were found.
fn code(report: &crate::diagnose::Report, outcomes: &[Outcome]) -> ExitCode {
    if let Some(failed) = failed_fix(report, outcomes) {
        return failed;
    }
    if report.summary.problems() > 0 {
        ExitCode::ProblemsFound
    } else {
        ExitCode::Ok
    }
}

/// The exit code of the first fix that failed to apply or to be written out (1 or 5), if any.
pub fn failed_fix(report: &crate::diagnose::Report, outcomes: &[Outcome]) -> Option<ExitCode> {
    let fixes = report.findings.iter().filter_map(|f| f.fix.as_ref());
    outcomes
        .iter()
        .zip(fixes)
        .map(|(outcome, fix)| exit_code(outcome, fix.status))
        .find(|code| matches!(code, ExitCode::Error | ExitCode::ApplyFailed))
}

/// The manual steps (or why nothing happened) after each offered fix, in order.
pub fn fix_footers(report: &crate::diagnose::Report, outcomes: &[Outcome], style: Style) -> String {
    let fixes = report.findings.iter().filter_map(|f| f.fix.as_ref());
    outcomes
        .iter()
        .zip(fixes)
        .filter_map(|(outcome, fix)| footer(fix, outcome, style))
        .map(|steps| format!("\n{steps}"))
        .collect()
}
