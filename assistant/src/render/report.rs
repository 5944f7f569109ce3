//! Human output of `shipmate validate`: results grouped by file, then a one-line summary.

use std::fmt::Write;

use shipmate_manifests::{DocumentReport, Report, SchemaVerdict, Severity, Summary};

use crate::style::{Style, Tone};

/// Renders `report` for a person.
pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let mut current_file: Option<&str> = None;
    for doc in &report.documents {
        if current_file != Some(doc.file.as_str()) {
            if current_file.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", style.paint(Tone::Bold, &doc.file));
            current_file = Some(&doc.file);
        }
        render_document(&mut out, doc, style);
    }
    if !report.documents.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(&report.summary, style));
    out.push('\n');
    out
}

fn render_document(out: &mut String, doc: &DocumentReport, style: Style) {
    let what = match (&doc.kind, &doc.name) {
        (Some(kind), Some(name)) => format!("{kind}/{name}"),
        (Some(kind), None) => format!("{kind}/(no name)"),
        _ => "(unparsed document)".to_owned(),
    };
    let (tone, verdict) = match doc.schema {
        SchemaVerdict::Valid => (Tone::Good, "valid"),
        SchemaVerdict::Invalid => (Tone::Bad, "invalid"),
        SchemaVerdict::NoSchema => (Tone::Dim, "no schema"),
        SchemaVerdict::Error => (Tone::Bad, "error"),
    };
    let _ = writeln!(
        out,
        "  {} {} {}",
        style.paint(tone, verdict),
        what,
        style.paint(
            Tone::Dim,
            &format!("(document {}, line {})", doc.index, doc.line)
        ),
    );
    for err in &doc.errors {
        let at = if err.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", err.path)
        };
        let _ = writeln!(
            out,
            "      {} {at}{}",
            style.paint(Tone::Bad, "✗"),
            err.message
        );
    }
    for f in &doc.findings {
        let (tone, mark) = match f.severity {
            Severity::Block => (Tone::Bad, "⛔ block"),
            Severity::Warn => (Tone::Warn, "⚠ warn"),
        };
        let _ = writeln!(
            out,
            "      {} [{}] {}",
            style.paint(tone, mark),
            f.gate,
            f.message
        );
        let _ = writeln!(out, "        {} {}", style.paint(Tone::Dim, "fix:"), f.fix);
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line summary (`3 files, 5 documents: …`).
pub fn summary_line(s: &Summary, style: Style) -> String {
    let failed = s.invalid + s.errors + s.blocked > 0;
    let head = if failed {
        style.paint(Tone::Bad, "FAIL")
    } else {
        style.paint(Tone::Good, "PASS")
    };
    format!(
        "{head} {}, {}: {} valid, {} invalid, {} without schema, {}; {}, {}",
        plural(s.files, "file", "files"),
        plural(s.documents, "document", "documents"),
        s.valid,
        s.invalid,
        s.no_schema,
        plural(s.errors, "unreadable", "unreadable"),
        plural(s.blocked, "blocking finding", "blocking findings"),
        plural(s.warnings, "warning", "warnings"),
    )
}
