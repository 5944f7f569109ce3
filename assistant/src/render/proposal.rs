//! Human-readable rendering of a proposal: summary, manifests as YAML (Secret values masked),
//! actions as commands, findings, questions, and the manual steps — shipmate does not apply
//! yet, so the text says so and shows exactly what to run by hand.

use std::fmt::Write as _;

use serde_json::Value;
use shipmate_manifests::Severity;
use shipmate_plugins::{Proposal, Status};

use crate::style::{Style, Tone};

/// What replaces a Secret value in human output.
pub const MASK: &str = "********";

/// Renders a proposal for a terminal; `written` is where its manifests were written
/// (`--out-dir`), if anywhere.
pub fn render(p: &Proposal, written: Option<&std::path::Path>, style: Style) -> String {
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
    if !p.questions.is_empty() {
        let _ = writeln!(out, "\n{}", style.paint(Tone::Bold, "Questions:"));
        for q in &p.questions {
            let _ = writeln!(out, "  ? {q}");
        }
    }
    out.push('\n');
    out.push_str(&manual_steps(p, written, style));
    out
}

/// The manual fallback: nothing was applied; here is what to run.
fn manual_steps(p: &Proposal, written: Option<&std::path::Path>, style: Style) -> String {
    let mut out = String::new();
    match p.status {
        Status::Blocked => {
            let _ = writeln!(
                out,
                "{} Nothing was applied: a gate blocks this proposal (see the findings).",
                style.paint(Tone::Bad, "✗")
            );
            return out;
        }
        Status::NeedsInput | Status::NotUnderstood => {
            let _ = writeln!(
                out,
                "Nothing was proposed. Ask again with the missing details."
            );
            return out;
        }
        Status::Proposed => {}
    }
    let _ = writeln!(
        out,
        "{} Nothing was applied (shipmate cannot apply changes yet). To do it by hand:",
        style.paint(Tone::Bold, "Manual steps:")
    );
    let mut step = 1;
    if !p.manifests.is_empty() {
        let target = match written {
            Some(dir) => shell_quote(&dir.display().to_string()),
            None => {
                let masked = if p.manifests.iter().any(is_secret) {
                    " (Secret values are masked above; the files hold them)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  {step}. ask again with `--out-dir shipmate-out` to write the manifests \
                     as files{masked}"
                );
                step += 1;
                "shipmate-out".to_owned()
            }
        };
        let _ = writeln!(out, "  {step}. kubectl apply --dry-run=server -f {target}");
        step += 1;
        let _ = writeln!(out, "  {step}. kubectl apply -f {target}");
        step += 1;
    }
    for a in &p.actions {
        let _ = writeln!(out, "  {step}. {}", command_line(&a.argv));
        step += 1;
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

/// An argv as a command a person can paste into a POSIX shell.
pub fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=,@%+".contains(&b));
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
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
        let text = render(&p, None, Style::for_stdout());
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("password") && text.contains(MASK));
        assert!(text.contains("Nothing was applied"));
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
