//! `shipmate validate`: strict schema checks and constitution gates over files, directories
//! and stdin.

use std::path::PathBuf;

use shipmate_manifests::parse::{self, Input, Limits};
use shipmate_manifests::{Report, SchemaSet};

use crate::cli::{GateArgs, Output, ValidateArgs};
use crate::exit::ExitCode;
use crate::output;
use crate::render;
use crate::style::Style;

/// Turns command-line paths into inputs (`-` is stdin).
pub fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    paths
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Input::Stdin
            } else {
                Input::Path(p.clone())
            }
        })
        .collect()
}

/// Builds the schema set: bundled kinds plus the CRDs given with `--crd`.
pub fn schemas(crds: &[PathBuf], limits: &Limits) -> anyhow::Result<SchemaSet> {
    let mut schemas = SchemaSet::bundled();
    if crds.is_empty() {
        return Ok(schemas);
    }
    let loaded = parse::load_inputs(&inputs(crds), limits);
    for doc in &loaded.documents {
        if let Err(err) = &doc.content {
            anyhow::bail!(
                "cannot read CRD file {} (document {}): {err}; fix the file or drop it from --crd",
                doc.file,
                doc.index
            );
        }
    }
    let added = schemas.add_crds(&loaded.documents)?;
    if added == 0 {
        anyhow::bail!(
            "no CustomResourceDefinition found in {}: --crd expects CRD manifests (kind: CustomResourceDefinition)",
            crds.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(schemas)
}

/// Loads the constitution unless gates are switched off.
pub fn constitution(args: &GateArgs) -> anyhow::Result<Option<shipmate_manifests::Constitution>> {
    if args.no_gates {
        return Ok(None);
    }
    let (c, _origin) = crate::policy::load(args.constitution.as_deref())?;
    Ok(Some(c))
}

/// Runs `shipmate validate`.
pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    let gates = constitution(&args.gates)?;
    let schemas = schemas(&args.gates.crds, &limits)?;
    let loaded = parse::load_inputs(&inputs(&args.paths), &limits);
    let report = Report::build(loaded.files, &loaded.documents, &schemas, gates.as_ref());
    match args.output {
        Output::Text => output::print(&render::report::render(&report, Style::for_stdout()))?,
        format => output::print_structured(format, &report)?,
    }
    Ok(if report.passed() {
        ExitCode::Ok
    } else {
        ExitCode::Blocked
    })
}
