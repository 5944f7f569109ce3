//! `shipmate ask`: one request in (arguments or stdin), one validated proposal out — applied
//! after confirmation (or `--yes`), else handed over as files and commands — and an exit code
//! scripts can act on.

use std::io::{IsTerminal, Read, Write};

use anyhow::Context as _;
use shipmate_manifests::parse::Limits;
use shipmate_plugins::{
    BackendError, BackendOptions, NoProgress, Progress, Proposal, Registry, Status,
};

use crate::cli::{AskArgs, Output, SessionArgs};
use crate::commands::validate;
use crate::exit::ExitCode;
use crate::render::proposal::Handover;
use crate::session::{Outcome, Prompter, Session, TerminalPrompter, Troubleshoot, Ui};
use crate::style::Style;
use crate::tools::ToolLimits;
use crate::{output, pipeline, render};

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
    // The explanation streams to a person reading the text; scripts get the whole answer.
    let stream = args.output == Output::Text && std::io::stdout().is_terminal();
    let Some(mut session) = session_from(&args.session, stream)? else {
        return Ok(ExitCode::Usage);
    };
    if let Some(code) = troubleshoot(&mut session, &text, args)? {
        return Ok(code);
    }
    let mut proposal = if stream {
        let mut shown = StreamedAnswer::default();
        let proposal = session.propose(&text, &mut shown);
        if shown.0 {
            // A stream that broke off mid-line.
            println!();
        }
        proposal?
    } else {
        session.propose(&text, &mut NoProgress)?
    };

    let mut ui = AskUi::new(args.output);
    if args.output == Output::Text {
        ui.show(&render::proposal::body(&proposal, ui.style()));
    }
    let outcome = session.handle(&mut proposal, args.no_apply, &mut ui);

    match args.output {
        Output::Text => {
            if let Some(steps) = footer(&proposal, &outcome, ui.style()) {
                output::print(&format!("\n{steps}"))?;
            }
        }
        format => output::print_structured(format, &proposal)?,
    }
    Ok(exit_code(&outcome, proposal.status))
}

/// A troubleshooting request with the rules backend and a readable cluster: the analyzers'
/// findings (text), each fix offered through the pipeline; in JSON/YAML the proposal of
/// read-only commands, its summary saying what the diagnosis found. `None` when the request
/// is not one, or no cluster can be read (the commands to run are the answer then).
fn troubleshoot(
    session: &mut Session,
    text: &str,
    args: &AskArgs,
) -> anyhow::Result<Option<ExitCode>> {
    let asked = {
        let mut spinner = crate::repl::spinner::Spinner::start("diagnosing…");
        session.troubleshoot(text, &mut spinner)
    };
    let mut report = match asked {
        Troubleshoot::NotAsked => return Ok(None),
        Troubleshoot::NoCluster(why) => {
            if args.output == Output::Text {
                eprintln!("shipmate: no cluster to diagnose ({why}); the commands to run:");
            }
            return Ok(None);
        }
        Troubleshoot::Failed(err) => return Err(err),
        Troubleshoot::Diagnosed(report) => report,
    };
    if args.output != Output::Text {
        let mut proposal = session.propose(text, &mut NoProgress)?;
        let fixes = report.findings.iter().filter(|f| f.fix.is_some()).count();
        proposal.summary = format!(
            "{}{}",
            render::diagnose::headline(&report, Style::plain()),
            match fixes {
                0 => String::new(),
                n => format!("; {n} fix(es) available with `shipmate diagnose --fix`"),
            }
        );
        output::print_structured(args.output, &proposal)?;
        return Ok(Some(ExitCode::Ok));
    }
    let mut ui = AskUi::new(args.output);
    ui.show(&render::diagnose::report(&report, ui.style(), ""));
    let outcomes = session.fix(&mut report.findings, args.no_apply, &mut ui);
    output::print(&crate::commands::diagnose::fix_footers(
        &report,
        &outcomes,
        ui.style(),
    ))?;
    Ok(Some(
        crate::commands::diagnose::failed_fix(&report, &outcomes).unwrap_or(ExitCode::Ok),
    ))
}

/// The exit code for how a proposal ended (printing the write error of a failed fallback).
pub fn exit_code(outcome: &Outcome, status: Status) -> ExitCode {
    match outcome {
        Outcome::WriteFailed(_, err) => {
            // The proposal is printed in full above: nothing is lost, but nothing was written.
            eprintln!("shipmate: error: {err:#}");
            ExitCode::Error
        }
        Outcome::Applied { complete: false } => ExitCode::ApplyFailed,
        _ => pipeline::exit_code(status),
    }
}

/// Prints the model's explanation on stdout as it streams in; remembers whether a line is
/// left open.
#[derive(Debug, Default)]
struct StreamedAnswer(bool);

impl Progress for StreamedAnswer {
    fn update(&mut self, _message: &str) {}

    fn answer(&mut self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        self.0 = !text.ends_with('\n');
    }
}

/// A session for the backend, namespace, gate and cluster flags of `ask` and the REPL; `None`
/// (after saying why) when the backend is unknown. With `stream`, LLM backends stream their
/// answers so that the explanation shows as it arrives.
pub fn session_from(args: &SessionArgs, stream: bool) -> anyhow::Result<Option<Session>> {
    let profile = match crate::profiles::config_path() {
        Some(path) => {
            let config = crate::profiles::load(&path)?;
            config.pick(args.profile.as_deref(), &path)?.cloned()
        }
        None if args.profile.is_some() => {
            anyhow::bail!("--profile needs a config directory: set HOME or XDG_CONFIG_HOME")
        }
        None => None,
    };
    let (name, mut backend) = crate::profiles::resolve(
        args.backend.as_deref(),
        args.model.as_deref(),
        profile.as_ref(),
    );
    backend.stream = stream;
    let tool_limits = ToolLimits::new()
        .max_bytes(args.tool_max_bytes)
        .log_tail_lines(args.log_tail)
        .list_rows(args.list_rows);
    let session = session(
        &name,
        &backend,
        &args.gates,
        &args.cluster,
        args.namespace.clone(),
    )?;
    Ok(session.map(|mut s| {
        s.options.tool_limits = tool_limits;
        s.options.repair_rounds = args.repair_rounds;
        s.options.max_tokens = args.max_tokens;
        s.options.llm_timeout = std::time::Duration::from_secs(args.llm_timeout.max(1));
        s.options.anonymize = args.anonymize || profile.as_ref().is_some_and(|p| p.anonymize);
        s
    }))
}

/// A session for `backend` with the gate and cluster flags; `None` (after saying why) when the
/// backend is unknown.
pub fn session(
    backend: &str,
    backend_options: &BackendOptions,
    gates: &crate::cli::GateArgs,
    cluster: &crate::cli::ClusterArgs,
    namespace: Option<String>,
) -> anyhow::Result<Option<Session>> {
    let backend = match Registry::builtin().create_with(backend, backend_options) {
        Ok(b) => b,
        Err(err @ BackendError::UnknownBackend { .. }) => {
            eprintln!("shipmate: error: {err}; choose one with --backend");
            return Ok(None);
        }
        Err(err) => return Err(err.into()),
    };
    let constitution = validate::constitution(gates)?;
    let schemas = validate::schemas(&gates.crds, &Limits::default())?;
    let mut options = cluster.session_options(namespace);
    options.backend = backend_options.clone();
    Session::new(backend, constitution, schemas, options).map(Some)
}

/// The text that ends a turn: the manual steps when the proposal was handed over, or why
/// nothing happened when it was blocked or needs input; `None` otherwise.
pub fn footer(proposal: &Proposal, outcome: &Outcome, style: Style) -> Option<String> {
    render::proposal::not_proposed(proposal, style)
        .or_else(|| handover(outcome).map(|h| render::proposal::manual_steps(proposal, h, style)))
}

/// The manual-steps footer for an outcome that handed the proposal over.
pub fn handover(outcome: &Outcome) -> Option<Handover> {
    match outcome {
        Outcome::Manual(reason) => Some(Handover {
            reason: *reason,
            write_failed: false,
        }),
        Outcome::WriteFailed(reason, _) => Some(Handover {
            reason: *reason,
            write_failed: true,
        }),
        _ => None,
    }
}

/// `ask`'s terminal: human text on stdout in text mode; in JSON/YAML mode stdout carries only
/// the document, so diffs go to stderr when someone is there to confirm, and kubectl output
/// goes to stderr.
pub struct AskUi {
    output: Output,
    prompter: TerminalPrompter,
    style: Style,
    stream: Box<dyn Write + Send>,
}

impl AskUi {
    /// A UI for `output`.
    pub fn new(output: Output) -> AskUi {
        let stream: Box<dyn Write + Send> = if output == Output::Text {
            Box::new(std::io::stdout())
        } else {
            Box::new(std::io::stderr())
        };
        AskUi {
            output,
            prompter: TerminalPrompter,
            style: Style::for_stdout(),
            stream,
        }
    }
}

impl Ui for AskUi {
    fn show(&mut self, text: &str) {
        if self.output == Output::Text {
            // A closed pipe is not an error; the rest of the run still records its decision.
            let _ = output::print(text);
        } else if self.prompter.interactive() {
            eprint!("{text}");
        }
    }

    fn stream(&mut self) -> &mut (dyn Write + Send) {
        &mut *self.stream
    }

    fn prompter(&mut self) -> &mut dyn Prompter {
        &mut self.prompter
    }

    fn style(&self) -> Style {
        self.style
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
