//! `shipmate ask`: the scripted, non-interactive mode. One request in (arguments or stdin), one
//! validated proposal out (text, YAML or the JSON contract), and an exit code scripts can act on.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use anyhow::Context as _;
use shipmate_manifests::parse::Limits;
use shipmate_plugins::{BackendError, Context, NoProgress, Registry, Request, Status};

use crate::cli::{AskArgs, Output};
use crate::commands::validate;
use crate::exit::ExitCode;
use crate::style::Style;
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

    let written = match (&args.out_dir, proposal.status) {
        (Some(dir), Status::Proposed) if !proposal.manifests.is_empty() => {
            write_manifests(dir, &proposal.manifests)?;
            Some(dir.as_path())
        }
        _ => None,
    };
    match args.output {
        Output::Text => {
            let text = render::proposal::render(&proposal, written, Style::for_stdout());
            output::print(&text)?;
        }
        format => output::print_structured(format, &proposal)?,
    }
    if !args.no_apply {
        eprintln!("note: applying arrives in a later version; `ask` proposes and validates only");
    }
    Ok(pipeline::exit_code(proposal.status))
}

/// Writes each manifest to `dir/NN-kind-name.yaml` (Secrets readable by the owner only).
fn write_manifests(dir: &Path, manifests: &[serde_json::Value]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the output directory {}", dir.display()))?;
    for (i, m) in manifests.iter().enumerate() {
        let part = |field: &str| {
            let raw = match field {
                "kind" => m.get("kind"),
                _ => m.get("metadata").and_then(|md| md.get("name")),
            };
            raw.and_then(serde_json::Value::as_str)
                .unwrap_or("object")
                .to_lowercase()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
        };
        let path = dir.join(format!(
            "{:02}-{}-{}.yaml",
            i + 1,
            part("kind"),
            part("name")
        ));
        let yaml = serde_saphyr::to_string(m)
            .with_context(|| format!("cannot write {} as YAML", path.display()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if m.get("kind").and_then(serde_json::Value::as_str) == Some("Secret") {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).with_context(|| {
            format!("cannot write {}; choose another --out-dir", path.display())
        })?;
        file.write_all(yaml.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
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
