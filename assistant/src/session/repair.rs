//! The repair round: a proposal that validation blocked goes back to the model with what
//! blocked it (each finding's gate, object, message and fix) and the rejected proposal, as a new
//! request. The backend masks it like any request before it leaves the machine.

use std::fmt::Write as _;

use shipmate_manifests::{Finding, Severity};
use shipmate_plugins::Proposal;

/// Most bytes of the rejected proposal quoted back to the model.
const MAX_QUOTED: usize = 8 * 1024;

/// The request for another try at `original`, after `rejected` was blocked.
pub fn request(original: &str, rejected: &Proposal) -> String {
    let mut text = format!(
        "{original}\n\nYour previous proposal for this request was rejected by shipmate's \
         validation. Propose again, fixing every problem below and changing nothing else. If a \
         problem cannot be fixed (the request itself is forbidden), answer with status \
         \"blocked\" and say why in the summary.\n\nProblems:\n"
    );
    for f in rejected
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Block)
    {
        let _ = writeln!(
            text,
            "- [{}] {}: {} (fix: {})",
            f.gate, f.object, f.message, f.fix
        );
    }
    let mut quoted = serde_json::json!({
        "manifests": rejected.manifests,
        "actions": rejected.actions,
    })
    .to_string();
    if quoted.len() > MAX_QUOTED {
        let mut cut = MAX_QUOTED;
        while !quoted.is_char_boundary(cut) {
            cut -= 1;
        }
        quoted.truncate(cut);
        quoted.push_str(" …(cut)");
    }
    let _ = write!(text, "\nYour previous proposal:\n{quoted}\n");
    text
}

/// The warning added when the model could not be asked for a repair.
pub fn failed(err: &anyhow::Error) -> Finding {
    Finding {
        gate: "repair".into(),
        severity: Severity::Warn,
        object: "proposal".into(),
        message: format!("the model could not be asked to fix this proposal: {err:#}"),
        fix: "fix the findings above by hand (`e` at the confirmation), or ask again".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmate_plugins::Status;

    #[test]
    fn lists_blocking_findings_with_their_fix_and_quotes_the_proposal() {
        let mut p = Proposal::new("openai", "deploy web", Status::Blocked, "Deploy web");
        p.manifests
            .push(serde_json::json!({"kind": "Deployment", "metadata": {"name": "web"}}));
        for (gate, severity) in [
            ("image-pinned", Severity::Block),
            ("probes", Severity::Warn),
        ] {
            p.findings.push(Finding {
                gate: gate.into(),
                severity,
                object: "Deployment/web".into(),
                message: format!("{gate} failed"),
                fix: format!("fix {gate}"),
            });
        }
        let text = request("deploy web", &p);
        assert!(text.starts_with("deploy web\n"), "{text}");
        assert!(text.contains(
            "- [image-pinned] Deployment/web: image-pinned failed (fix: fix image-pinned)"
        ));
        assert!(
            !text.contains("probes failed"),
            "warnings are not sent back: {text}"
        );
        assert!(text.contains(r#""name":"web""#), "{text}");
    }
}
