//! A diagnosis as text: a headline with the counts, then each finding most severe first — what
//! is wrong, the quoted evidence, the likely cause, the documentation link, and whether a fix
//! is available — then the kinds that could not be read.

use std::fmt::Write as _;

use shipmate_plugins::analyze::{Finding, Severity};

use crate::diagnose::Report;
use crate::style::{Style, Tone};

/// The whole report. `fix_hint` is what to say after "fix available" (`run with --fix`), or
/// empty when the fixes are offered next anyway.
pub fn report(r: &Report, style: Style, fix_hint: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(r, style));
    for f in &r.findings {
        out.push('\n');
        out.push_str(&finding(f, style, fix_hint));
    }
    if !r.skipped.is_empty() {
        out.push('\n');
        let _ = writeln!(
            out,
            "{}",
            style.paint(Tone::Warn, "Not read (their checks were skipped):")
        );
        for s in &r.skipped {
            let _ = writeln!(out, "  {}: {}", s.kind, s.reason);
        }
    }
    out
}

/// `Diagnosis of namespace shop (context fake at https://…): 3 problems — 1 critical, 2 errors`.
pub fn headline(r: &Report, style: Style) -> String {
    let what = match (&r.scope.object, &r.scope.namespace) {
        (Some(object), Some(ns)) => format!("{object} in namespace {ns}"),
        (Some(object), None) => object.clone(),
        (None, Some(ns)) => format!("namespace {ns}"),
        (None, None) => "all namespaces".to_owned(),
    };
    let place = match &r.cluster.context {
        Some(ctx) => format!("context {ctx} at {}", r.cluster.server),
        None => r.cluster.server.clone(),
    };
    let s = &r.summary;
    let counts: Vec<String> = [
        (s.critical, "critical"),
        (s.error, "error"),
        (s.warning, "warning"),
        (s.info, "info"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, label)| format!("{n} {label}"))
    .collect();
    let verdict = if r.findings.is_empty() {
        style.paint(Tone::Good, "no problems found")
    } else {
        let tone = if s.problems() > 0 {
            Tone::Bad
        } else {
            Tone::Dim
        };
        let n = r.findings.len();
        let noun = if n == 1 { "finding" } else { "findings" };
        style.paint(tone, &format!("{n} {noun} ({})", counts.join(", ")))
    };
    format!(
        "{} {what} ({place}): {verdict}",
        style.paint(Tone::Bold, "Diagnosis of")
    )
}

/// One finding, indented under its severity and object.
pub fn finding(f: &Finding, style: Style, fix_hint: &str) -> String {
    let mut out = String::new();
    let (tone, label) = match f.severity {
        Severity::Critical => (Tone::Bad, "CRITICAL"),
        Severity::Error => (Tone::Bad, "ERROR"),
        Severity::Warning => (Tone::Warn, "WARNING"),
        Severity::Info => (Tone::Dim, "INFO"),
    };
    let object = match &f.object.namespace {
        Some(ns) => format!("{}/{} -n {ns}", f.object.kind, f.object.name),
        None => format!("{}/{}", f.object.kind, f.object.name),
    };
    let _ = writeln!(
        out,
        "{} {}: {}",
        style.paint(tone, &format!("{label:<8}")),
        style.paint(Tone::Bold, &object),
        f.title
    );
    for e in &f.evidence {
        let mut lines = e.text.lines();
        let first = lines.next().unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {first}",
            style.paint(Tone::Dim, &format!("{}:", e.source))
        );
        for line in lines {
            let _ = writeln!(out, "      {line}");
        }
    }
    let _ = writeln!(out, "  {} {}", style.paint(Tone::Bold, "cause:"), f.cause);
    let _ = writeln!(out, "  {} {}", style.paint(Tone::Dim, "docs:"), f.docs);
    if let Some(fix) = &f.fix {
        let hint = if fix_hint.is_empty() {
            String::new()
        } else {
            format!(" ({fix_hint})")
        };
        let _ = writeln!(
            out,
            "  {} {}{hint}",
            style.paint(Tone::Good, "fix available:"),
            fix.summary
        );
    }
    out
}
