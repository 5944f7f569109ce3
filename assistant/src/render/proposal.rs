//! Human-readable rendering of a proposal: summary, manifests as YAML (Secret values masked),
//! actions as commands, findings, questions, and the manual steps — where the manual fallback
//! wrote the manifests and exactly what to run by hand.

use std::fmt::Write as _;

use serde_json::Value;
use shipmate_manifests::Severity;
use shipmate_plugins::{Applied, ManualReason, Proposal, Status};

use crate::shell::{self, command_line};
use crate::style::{Style, Tone};

/// What replaces a Secret value in human output.
pub const MASK: &str = "********";

/// How the manual fallback went, for the text that ends a rendered proposal.
#[derive(Debug, Clone, Copy)]
pub struct Handover {
    /// Why shipmate did not apply the proposal itself.
    pub reason: ManualReason,
    /// Writing the fallback files failed (the error itself is printed on stderr).
    pub write_failed: bool,
}

/// The proposal itself: status and summary, manifests, actions, findings and questions.
pub fn body(p: &Proposal, style: Style) -> String {
    let mut out = String::new();
    let (tone, label) = match p.status {
        Status::Proposed => (Tone::Good, "proposed"),
        Status::Blocked => (Tone::Bad, "blocked"),
        Status::NeedsInput => (Tone::Warn, "needs input"),
        Status::NotUnderstood => (Tone::Warn, "not understood"),
    };
    let _ = writeln!(
        out,
        "{} {}",
        style.paint(tone, &format!("[{label}]")),
        p.summary
    );
    if !p.manifests.is_empty() {
        let _ = writeln!(out, "\n{}", style.paint(Tone::Bold, "Manifests:"));
        out.push_str(&manifests_yaml(&p.manifests, true));
    }
    if !p.actions.is_empty() {
        let _ = writeln!(out, "\n{}", style.paint(Tone::Bold, "Actions:"));
        for a in &p.actions {
            let tag = if a.mutating {
                style.paint(Tone::Warn, "[changes the cluster]")
            } else {
                style.paint(Tone::Dim, "[read-only]")
            };
            let _ = writeln!(out, "  $ {} {tag}", command_line(&a.argv));
            if !a.reason.is_empty() {
                let _ = writeln!(out, "    {}", style.paint(Tone::Dim, &a.reason));
            }
        }
    }
    out.push_str(&findings(p, style));
    if !p.questions.is_empty() {
        let _ = writeln!(out, "\n{}", style.paint(Tone::Bold, "Questions:"));
        for q in &p.questions {
            let _ = writeln!(out, "  ? {q}");
        }
    }
    out
}

/// The findings, under a heading (empty when there are none).
pub fn findings(p: &Proposal, style: Style) -> String {
    let mut out = String::new();
    if !p.findings.is_empty() {
        let _ = writeln!(out, "\n{}", style.paint(Tone::Bold, "Findings:"));
        for f in &p.findings {
            let (tone, sev) = match f.severity {
                Severity::Block => (Tone::Bad, "block"),
                Severity::Warn => (Tone::Warn, "warn "),
            };
            let _ = writeln!(
                out,
                "  {} {} {}: {}",
                style.paint(tone, sev),
                f.gate,
                f.object,
                f.message
            );
            let _ = writeln!(out, "        {} {}", style.paint(Tone::Dim, "fix:"), f.fix);
        }
    }
    out
}

/// Why nothing was applied when the proposal itself stops there (blocked, needs input, not
/// understood); `None` for a proposal that could be applied.
pub fn not_proposed(p: &Proposal, style: Style) -> Option<String> {
    match p.status {
        Status::Blocked => Some(format!(
            "{} Nothing was applied: a gate blocks this proposal (see the findings).\n",
            style.paint(Tone::Bad, "✗")
        )),
        Status::NeedsInput | Status::NotUnderstood => {
            Some("Nothing was proposed. Ask again with the missing details.\n".to_owned())
        }
        Status::Proposed => None,
    }
}

/// The manual fallback: nothing was applied; here is where the files are and what to run.
pub fn manual_steps(p: &Proposal, handover: Handover, style: Style) -> String {
    if let Some(why) = not_proposed(p, style) {
        return why;
    }
    let mut out = String::new();
    let heading = style.paint(Tone::Bold, "Manual steps:");
    let reason = handover.reason.describe();
    let commands: Vec<Vec<String>> = match &p.applied {
        Some(Applied::Manual(m)) => {
            let _ = writeln!(
                out,
                "{heading} nothing was applied ({reason}).\nThe manifests are in {}:",
                shell::quote(&m.directory)
            );
            for f in &m.files {
                let name = std::path::Path::new(f)
                    .file_name()
                    .map_or(f.clone(), |n| n.to_string_lossy().into_owned());
                let secret = name
                    .split_once('-')
                    .is_some_and(|(_, rest)| rest.starts_with("secret-"));
                let note = if secret {
                    " (Secret values included; readable by you only)"
                } else {
                    ""
                };
                let _ = writeln!(out, "  {name}{note}");
            }
            let _ = writeln!(out, "Run by hand, from this directory, in order:");
            m.commands.clone()
        }
        Some(Applied::Cluster(_)) => return out,
        None => {
            if handover.write_failed {
                let _ = writeln!(
                    out,
                    "{heading} nothing was applied ({reason}), and the manifests could not be \
                     written to files (see the error). Re-run with --out-dir DIR, or with \
                     --output yaml to get them on stdout with their Secret values."
                );
            } else {
                let _ = writeln!(
                    out,
                    "{heading} nothing was applied ({reason}). To do it by hand:"
                );
            }
            p.actions.iter().map(|a| a.argv.clone()).collect()
        }
    };
    for (i, argv) in commands.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, command_line(argv));
    }
    out
}

fn is_secret(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("Secret")
}

/// Manifests as a multi-document YAML stream; with `mask`, Secret values are replaced.
pub fn manifests_yaml(manifests: &[Value], mask: bool) -> String {
    let mut out = String::new();
    for m in manifests {
        let shown = if mask && is_secret(m) {
            masked(m)
        } else {
            m.clone()
        };
        out.push_str("---\n");
        match serde_saphyr::to_string(&shown) {
            Ok(yaml) => out.push_str(&yaml),
            Err(_) => out.push_str(&serde_json::to_string_pretty(&shown).unwrap_or_default()),
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// A copy of a Secret with every `data`/`stringData` value replaced by [`MASK`].
pub fn masked(secret: &Value) -> Value {
    let mut copy = secret.clone();
    for field in ["data", "stringData"] {
        if let Some(map) = copy.get_mut(field).and_then(Value::as_object_mut) {
            for v in map.values_mut() {
                *v = Value::String(MASK.into());
            }
        }
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_values_are_masked_keys_kept() {
        let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                       "stringData": {"password": "hunter2"}});
        let mut p = Proposal::new("rules", "create secret s", Status::Proposed, "Create");
        p.manifests.push(s);
        let handover = Handover {
            reason: ManualReason::NoApply,
            write_failed: false,
        };
        let text =
            body(&p, Style::for_stdout()) + "\n" + &manual_steps(&p, handover, Style::for_stdout());
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("password") && text.contains(MASK));
        assert!(text.contains("nothing was applied (--no-apply was given)"));
    }

    #[test]
    fn manual_fallback_ends_with_the_directory_and_the_commands() {
        let mut p = Proposal::new("rules", "r", Status::Proposed, "Create");
        p.manifests
            .push(json!({"kind": "Secret", "metadata": {"name": "s"}, "data": {}}));
        let dir = "shipmate-out/20261126-120000-create it".to_owned();
        p.applied = Some(Applied::Manual(shipmate_plugins::ManualFallback {
            directory: dir.clone(),
            files: vec![format!("{dir}/01-secret-s.yaml")],
            commands: vec![vec!["kubectl".into(), "apply".into(), "-f".into(), dir]],
            reason: ManualReason::NoCluster,
        }));
        let handover = Handover {
            reason: ManualReason::NoCluster,
            write_failed: false,
        };
        let text =
            body(&p, Style::for_stdout()) + "\n" + &manual_steps(&p, handover, Style::for_stdout());
        assert!(
            text.ends_with(
                "The manifests are in 'shipmate-out/20261126-120000-create it':\n  \
                 01-secret-s.yaml (Secret values included; readable by you only)\n\
                 Run by hand, from this directory, in order:\n  \
                 1. kubectl apply -f 'shipmate-out/20261126-120000-create it'\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn commands_are_quoted_for_a_shell() {
        let argv: Vec<String> = ["kubectl", "set", "image", "deployment/web", "*=nginx:1"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(
            command_line(&argv),
            "kubectl set image deployment/web '*=nginx:1'"
        );
    }
}
