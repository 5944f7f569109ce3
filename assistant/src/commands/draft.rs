//! `shipmate draft helm DIR`: a Helm chart from manifest files (`--from`) or from the proposal
//! for a request. Either way the objects are validated first (schema and gates, exactly as
//! `shipmate validate` and `ask` do); a blocked proposal becomes no chart.

use std::path::{Path, PathBuf};

use clap::Parser as _;
use serde::Serialize;
use shipmate_manifests::parse::{self, Limits};
use shipmate_plugins::{NoProgress, Proposal, Status};

use crate::cli::{DraftArgs, DraftHelmArgs, DraftKind, Output, SessionArgs};
use crate::commands::{ask, validate};
use crate::exit::ExitCode;
use crate::style::{Style, Tone};
use crate::{draft, output, pipeline, render};

/// Runs `shipmate draft`.
pub fn run(args: &DraftArgs) -> anyhow::Result<ExitCode> {
    match &args.kind {
        DraftKind::Helm(helm) => run_helm(helm),
    }
}

/// What `draft helm --output json` prints.
#[derive(Debug, Serialize)]
pub struct Drafted {
    /// The chart directory.
    pub chart: PathBuf,
    /// The chart name.
    pub name: String,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// `--set-string` flags the Secrets need at install time (`secrets.KEY.stringData.NAME`).
    pub secret_values: Vec<String>,
}

fn run_helm(args: &DraftHelmArgs) -> anyhow::Result<ExitCode> {
    let proposal = if !args.from.is_empty() {
        match from_files(args)? {
            Ok(p) => p,
            Err(code) => return Ok(code),
        }
    } else if !args.request.is_empty() {
        let Some(mut session) = ask::session_from(&session_args(args)?, false)? else {
            return Ok(ExitCode::Usage);
        };
        session.propose(&args.request.join(" "), &mut NoProgress)?
    } else {
        eprintln!(
            "shipmate: error: nothing to draft from; pass manifests with --from PATH… \
             or a request (shipmate draft helm {} \"deploy nginx:1.27 as web on port 80\")",
            args.dir.display()
        );
        return Ok(ExitCode::Usage);
    };
    let style = Style::for_stdout();
    if proposal.status != Status::Proposed {
        eprint!("{}", render::proposal::body(&proposal, style));
        eprintln!(
            "shipmate: error: no chart was written: the {} is {}; fix what the findings say first",
            if args.from.is_empty() {
                "proposal"
            } else {
                "input"
            },
            proposal.status.as_str()
        );
        return Ok(pipeline::exit_code(proposal.status));
    }
    let name = match &args.name {
        Some(n) => n.clone(),
        None => default_name(&args.dir)?,
    };
    let drafted = write(&proposal, &args.dir, &name, args.force)?;
    match args.output {
        Output::Text => output::print(&summary(&drafted, style))?,
        format => output::print_structured(format, &drafted)?,
    }
    Ok(ExitCode::Ok)
}

/// Drafts the chart `name` for a validated proposal's manifests and writes it to `dir`.
pub fn write(proposal: &Proposal, dir: &Path, name: &str, force: bool) -> anyhow::Result<Drafted> {
    let chart = draft::draft(&proposal.manifests, name)?;
    let written = draft::files::write(dir, &chart.files, force)?;
    Ok(Drafted {
        chart: dir.to_path_buf(),
        name: name.to_owned(),
        files: written,
        secret_values: chart.secret_values,
    })
}

/// The text `draft helm` (and the REPL's `/chart`) prints: the files and the next steps.
pub fn summary(d: &Drafted, style: Style) -> String {
    let dir = d.chart.display();
    let mut out = format!(
        "{} chart {} in {dir} ({} files):\n",
        style.paint(Tone::Bold, "Drafted"),
        d.name,
        d.files.len()
    );
    for f in &d.files {
        out.push_str(&format!("  {}\n", f.display()));
    }
    let secrets: String = d
        .secret_values
        .iter()
        .map(|s| format!(" --set-string {s}=…"))
        .collect();
    out.push_str(&format!(
        "\nNext:\n  helm lint {dir}\n  helm template {name} {dir} -f {dir}/values-local.yaml{secrets}\n  \
         helm install {name} {dir} -f {dir}/values-production.yaml{secrets}\n",
        name = d.name
    ));
    if !d.secret_values.is_empty() {
        out.push_str(
            "Secret values are not in the chart: supply them at install time (never commit them).\n",
        );
    }
    out
}

/// The chart name from the directory's name.
pub fn default_name(dir: &Path) -> anyhow::Result<String> {
    let absolute = std::path::absolute(dir)?;
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    draft::keys::chart_name(&name).map_err(|e| {
        anyhow::anyhow!(
            "{e}; the chart is named after its directory {}: choose a directory with such a \
             name, or (shipmate draft helm) give one with --name",
            dir.display()
        )
    })?;
    Ok(name)
}

/// The manifests of `--from`, validated like `shipmate apply` validates them; `Err(code)` after
/// saying why when they cannot be read.
fn from_files(args: &DraftHelmArgs) -> anyhow::Result<Result<Proposal, ExitCode>> {
    let loaded = parse::load_inputs(&validate::inputs(&args.from), &Limits::default());
    let mut errors = String::new();
    let mut manifests = Vec::new();
    for doc in loaded.documents {
        match doc.content {
            Ok(object) => manifests.push(object),
            Err(e) => errors.push_str(&format!("  {}:{}: {e}\n", doc.file, doc.line)),
        }
    }
    if !errors.is_empty() {
        eprintln!(
            "shipmate: error: no chart was written; these documents cannot be read:\n{errors}"
        );
        return Ok(Err(ExitCode::Blocked));
    }
    if manifests.is_empty() {
        eprintln!("shipmate: error: no manifests found in the --from paths; nothing to draft");
        return Ok(Err(ExitCode::Usage));
    }
    let gates = validate::constitution(&args.gates)?;
    let schemas = validate::schemas(&args.gates.crds, &Limits::default())?;
    let paths: Vec<String> = args.from.iter().map(|p| p.display().to_string()).collect();
    let mut proposal = Proposal::new(
        "files",
        &format!("draft helm from {}", paths.join(" ")),
        Status::Proposed,
        format!("{} object(s) from {}", manifests.len(), paths.join(", ")),
    );
    proposal.manifests = manifests;
    pipeline::validate(&mut proposal, &schemas, gates.as_ref());
    Ok(Ok(proposal))
}

/// Session options for a request: the defaults, with this command's backend, profile, model,
/// namespace and gate flags.
fn session_args(args: &DraftHelmArgs) -> anyhow::Result<SessionArgs> {
    #[derive(clap::Parser)]
    struct Defaults {
        #[command(flatten)]
        session: SessionArgs,
    }
    let mut s = Defaults::try_parse_from(["shipmate"])?.session;
    s.backend.clone_from(&args.backend);
    s.profile.clone_from(&args.profile);
    s.model.clone_from(&args.model);
    s.namespace.clone_from(&args.namespace);
    s.gates = args.gates.clone();
    Ok(s)
}
