//! `shipmate ask`: the scripted, non-interactive mode. One request in (arguments or stdin), one
//! validated proposal out (text, YAML or the JSON contract), and an exit code scripts can act on.
//!
//! shipmate cannot apply yet, so every `proposed` proposal with manifests goes to the manual
//! fallback (files in a new directory, commands to run; `applied` says where), and the decision
//! is recorded in the audit log.

use std::io::{IsTerminal, Read};

use anyhow::Context as _;
use shipmate_manifests::parse::Limits;
use shipmate_plugins::{
    Applied, BackendError, Context, ManualReason, NoProgress, Proposal, Registry, Request, Status,
};

use crate::audit::{AuditLog, Decision, Entry};
use crate::cli::{AskArgs, Output};
use crate::clock::Utc;
use crate::commands::validate;
use crate::exit::ExitCode;
use crate::render::proposal::Handover;
use crate::style::Style;
use crate::{fallback, output, pipeline, render};

/// Largest request read from stdin.
const MAX_STDIN: u64 = 1024 * 1024;

/// Runs `shipmate ask`.
pub fn run(args: &AskArgs) -> anyhow::Result<ExitCode> {
    let Some(text) = request_text(args)? else {
        eprintln!(
            "shipmate: error: no request given; pass it as arguments \
             (shipmate ask \"scale deployment web to 3\") or pipe it on stdin"
        );
        return Ok(ExitCode::Usage);
    };
    let backend = match Registry::builtin().create(&args.backend) {
        Ok(b) => b,
        Err(err @ BackendError::UnknownBackend { .. }) => {
            eprintln!("shipmate: error: {err}; choose one with --backend");
            return Ok(ExitCode::Usage);
        }
        Err(err) => return Err(err.into()),
    };
    let gates = validate::constitution(&args.gates)?;
    let schemas = validate::schemas(&args.gates.crds, &Limits::default())?;

    let mut progress = NoProgress;
    let defaults = gates
        .as_ref()
        .map(|c| c.defaults().clone())
        .unwrap_or_default();
    let mut cx = Context::new(&mut progress)
        .with_namespace(args.namespace.clone())
        .with_resource_defaults(defaults);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("cannot start the async runtime")?;
    let request = Request::new(text);
    let mut proposal = runtime
        .block_on(backend.propose(&request, &mut cx))
        .with_context(|| format!("backend `{}` could not answer", backend.name()))?;
    pipeline::validate(&mut proposal, &schemas, gates.as_ref());

    let reason = if args.no_apply {
        ManualReason::NoApply
    } else {
        ManualReason::NoApplier
    };
    let mut write_error = None;
    if fallback::applies_to(&proposal) {
        let base = fallback::base_dir(args.out_dir.as_deref());
        match fallback::write(&proposal, &base, reason, Utc::now()) {
            Ok(manual) => proposal.applied = Some(Applied::Manual(manual)),
            Err(err) => write_error = Some(err),
        }
    }
    record(&proposal);

    match args.output {
        Output::Text => {
            let handover = Handover {
                reason,
                write_failed: write_error.is_some(),
            };
            let text = render::proposal::render(&proposal, handover, Style::for_stdout());
            output::print(&text)?;
        }
        format => output::print_structured(format, &proposal)?,
    }
    if let Some(err) = write_error {
        // The proposal is printed in full above: nothing is lost, but nothing was written.
        eprintln!("shipmate: error: {err:#}");
        return Ok(ExitCode::Error);
    }
    if !args.no_apply {
        eprintln!("note: applying arrives in a later version; `ask` proposes and validates only");
    }
    Ok(pipeline::exit_code(proposal.status))
}

/// Appends the decision to the audit log: `manual` when the fallback wrote files, `blocked`
/// when a gate blocked the proposal. A log that cannot be written is a warning, not a failure:
/// nothing was applied, and the proposal itself is printed either way.
fn record(p: &Proposal) {
    let (decision, directory) = match (&p.applied, p.status) {
        (Some(Applied::Manual(m)), _) => {
            // Absolute in the log: it is read later, from anywhere.
            let dir = std::path::absolute(&m.directory)
                .map_or_else(|_| m.directory.clone(), |p| p.display().to_string());
            (Decision::Manual, Some(dir))
        }
        (None, Status::Blocked) => (Decision::Blocked, None),
        _ => return,
    };
    let entry = Entry::untouched(p, decision, directory);
    let result = AuditLog::default_location().and_then(|log| log.append(&entry));
    if let Err(err) = result {
        eprintln!("shipmate: warning: this decision was not recorded in the audit log: {err:#}");
    }
}

/// The request from the arguments, or from stdin when there are none (or just `-`).
/// `None` when there is nothing to read.
fn request_text(args: &AskArgs) -> anyhow::Result<Option<String>> {
    let from_stdin = args.request.is_empty() || args.request == ["-"];
    if !from_stdin {
        return Ok(Some(args.request.join(" ")));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_STDIN + 1)
        .read_to_end(&mut bytes)
        .context("cannot read the request from stdin")?;
    if bytes.len() as u64 > MAX_STDIN {
        anyhow::bail!("the request on stdin is larger than {MAX_STDIN} bytes; send one request");
    }
    let text = String::from_utf8_lossy(&bytes).trim().to_owned();
    Ok((!text.is_empty()).then_some(text))
}
