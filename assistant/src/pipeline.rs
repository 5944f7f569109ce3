//! The one pipeline every entry point shares: a backend proposes, then the proposal is validated
//! — schema for every manifest, constitution gates for manifests and actions, and an argv safety
//! check — before anything is shown. Findings become part of the proposal, and a blocking finding
//! turns a `proposed` proposal into `blocked`.

use shipmate_manifests::document::object_ref;
use shipmate_manifests::{Constitution, Finding, SchemaSet, SchemaVerdict, Severity};
use shipmate_plugins::{Proposal, Status, shell_metachar};

use crate::exit::ExitCode;

/// Validates `proposal` in place: findings are appended, and the status becomes `blocked` when
/// any finding blocks. `gates` is `None` with `--no-gates`.
pub fn validate(proposal: &mut Proposal, schemas: &SchemaSet, gates: Option<&Constitution>) {
    let mut findings: Vec<Finding> = Vec::new();
    for manifest in &proposal.manifests {
        findings.extend(schema_findings(schemas, manifest, &proposal.backend));
    }
    if let Some(c) = gates {
        let objects: Vec<&serde_json::Value> = proposal.manifests.iter().collect();
        findings.extend(c.check(&objects).into_iter().flatten());
    }
    for action in &proposal.actions {
        findings.extend(argv_findings(&action.argv));
        if let Some(c) = gates {
            findings.extend(c.check_action(&action.argv));
        }
    }
    proposal.findings.extend(findings);
    if proposal.status == Status::Proposed && Constitution::blocks(&proposal.findings) {
        proposal.status = Status::Blocked;
    }
}

/// Validates the manifests' schemas again (after live schemas from the cluster were added):
/// the `schema` findings are replaced, and a proposal blocked only by them is proposed again
/// when they are gone.
pub fn revalidate_schemas(proposal: &mut Proposal, schemas: &SchemaSet) {
    proposal.findings.retain(|f| f.gate != "schema");
    let fresh: Vec<Finding> = proposal
        .manifests
        .iter()
        .flat_map(|m| schema_findings(schemas, m, &proposal.backend))
        .collect();
    proposal.findings.extend(fresh);
    let blocks = Constitution::blocks(&proposal.findings);
    match proposal.status {
        Status::Proposed if blocks => proposal.status = Status::Blocked,
        Status::Blocked if !blocks => proposal.status = Status::Proposed,
        _ => {}
    }
}

/// Schema violations of one manifest, as blocking findings (gate `schema`).
fn schema_findings(
    schemas: &SchemaSet,
    manifest: &serde_json::Value,
    backend: &str,
) -> Vec<Finding> {
    let object = object_ref(manifest);
    let (verdict, errors) = schemas.validate(manifest);
    match verdict {
        SchemaVerdict::Valid => Vec::new(),
        SchemaVerdict::NoSchema => vec![Finding {
            gate: "schema".into(),
            severity: Severity::Warn,
            object,
            message: "no schema is known for this apiVersion/kind; it was not validated".into(),
            fix: "pass the CRD with --crd FILE, or check apiVersion and kind".into(),
        }],
        SchemaVerdict::Invalid | SchemaVerdict::Error => errors
            .into_iter()
            .map(|e| Finding {
                gate: "schema".into(),
                severity: Severity::Block,
                object: object.clone(),
                message: if e.path.is_empty() {
                    e.message
                } else {
                    format!("{}: {}", e.path, e.message)
                },
                fix: format!(
                    "the `{backend}` backend generated an invalid object; correct the field \
                     (and report it if the backend is `rules`)"
                ),
            })
            .collect(),
    }
}

/// An argv must start with `kubectl` and carry no shell syntax, whatever the backend said.
fn argv_findings(argv: &[String]) -> Vec<Finding> {
    let object = argv.join(" ");
    let mut out = Vec::new();
    if argv.first().map(String::as_str) != Some("kubectl") {
        out.push(Finding {
            gate: "argv-kubectl".into(),
            severity: Severity::Block,
            object: object.clone(),
            message: "actions must be kubectl commands".into(),
            fix: "propose a kubectl argv (first element `kubectl`)".into(),
        });
    }
    if let Some(meta) = argv.iter().find_map(|t| shell_metachar(t)) {
        out.push(Finding {
            gate: "argv-shell".into(),
            severity: Severity::Block,
            object,
            message: format!("an argument contains shell syntax (`{meta}`)"),
            fix: "remove pipes, redirections, `;`, `&&`, `$(…)` and backticks from the argv".into(),
        });
    }
    out
}

/// The documented exit code for a proposal's status.
pub fn exit_code(status: Status) -> ExitCode {
    match status {
        Status::Proposed => ExitCode::Ok,
        Status::Blocked => ExitCode::Blocked,
        Status::NeedsInput | Status::NotUnderstood => ExitCode::NeedsInput,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmate_plugins::Action;

    fn argv(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn shell_syntax_in_an_argv_blocks() {
        let mut p = Proposal::new("test", "x", Status::Proposed, "x");
        p.actions
            .push(Action::new(argv("kubectl get pods;rm"), "because"));
        validate(
            &mut p,
            &SchemaSet::bundled(),
            Some(&Constitution::builtin()),
        );
        assert_eq!(p.status, Status::Blocked);
        assert!(p.findings.iter().any(|f| f.gate == "argv-shell"));
    }

    #[test]
    fn schema_errors_block() {
        let mut p = Proposal::new("test", "x", Status::Proposed, "x");
        p.manifests.push(serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "x" }, "dta": {}
        }));
        validate(&mut p, &SchemaSet::bundled(), None);
        assert_eq!(p.status, Status::Blocked);
        assert_eq!(p.findings[0].gate, "schema");
    }
}
