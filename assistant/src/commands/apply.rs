//! `shipmate apply PATH…`: manifests from files through the same pipeline as a backend's
//! proposal — schema, gates, server dry-run, diff, confirmation, server-side apply in
//! dependency order, audit (so `shipmate undo` works) — or the manual fallback.

use std::fmt::Write as _;

use shipmate_manifests::parse::{self, Limits};
use shipmate_plugins::{Proposal, Status};

use crate::cli::{ApplyArgs, Output};
use crate::commands::{ask, validate};
use crate::exit::ExitCode;
use crate::session::Ui;
use crate::{output, render};

/// Runs `shipmate apply`.
pub fn run(args: &ApplyArgs) -> anyhow::Result<ExitCode> {
    let loaded = parse::load_inputs(&validate::inputs(&args.paths), &Limits::default());
    let mut errors = String::new();
    let mut manifests = Vec::with_capacity(loaded.documents.len());
    for doc in loaded.documents {
        match doc.content {
            Ok(object) => manifests.push(object),
            Err(e) => {
                let _ = writeln!(errors, "  {}:{}: {e}", doc.file, doc.line);
            }
        }
    }
    if !errors.is_empty() {
        eprintln!(
            "shipmate: error: nothing was applied; these documents cannot be read:\n{errors}"
        );
        return Ok(ExitCode::Blocked);
    }
    if manifests.is_empty() {
        eprintln!("shipmate: error: no manifests found in the given paths; nothing to apply");
        return Ok(ExitCode::Usage);
    }
    let Some(mut session) = ask::session(
        "rules",
        &shipmate_plugins::BackendOptions::default(),
        &args.gates,
        &args.cluster,
        args.namespace.clone(),
    )?
    else {
        return Ok(ExitCode::Usage);
    };
    let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let mut proposal = Proposal::new(
        "files",
        &format!("apply {}", paths.join(" ")),
        Status::Proposed,
        format!(
            "Apply {} object(s) from {}",
            manifests.len(),
            paths.join(", ")
        ),
    );
    proposal.manifests = manifests;
    session.validate(&mut proposal);

    let mut ui = ask::AskUi::new(args.output);
    if args.output == Output::Text {
        ui.show(&summary(&proposal, &ui));
    }
    let outcome = session.handle(&mut proposal, false, &mut ui);
    if args.output == Output::Text {
        if let Some(handover) = ask::handover(&outcome) {
            let steps = render::proposal::manual_steps(&proposal, handover, ui.style());
            output::print(&format!("\n{steps}"))?;
        }
    } else {
        output::print_structured(args.output, &proposal)?;
    }
    Ok(ask::exit_code(&outcome, proposal.status))
}

/// The objects by name (not their YAML: the files are the person's own) and the findings.
fn summary(p: &Proposal, ui: &ask::AskUi) -> String {
    let mut out = format!("{}\n", p.summary);
    for m in &p.manifests {
        let o = shipmate_manifests::document::object_ref(m);
        let _ = writeln!(out, "  {o}");
    }
    out.push_str(&render::proposal::findings(p, ui.style()));
    out
}
