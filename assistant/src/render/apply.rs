//! Human rendering of what the cluster said: the diff before confirming, and the report of an
//! apply afterwards.

use std::fmt::Write as _;

use shipmate_plugins::{ClusterApply, OutcomeResult};

use crate::apply::DiffKind;
use crate::session::Review;
use crate::shell::command_line;
use crate::style::{Style, Tone};

/// How each action will run, then the diff of every object (live vs the server's dry-run),
/// coloured line by line.
pub fn review(review: &Review, style: Style) -> String {
    let mut out = String::new();
    if !review.actions.is_empty() {
        let heading = style.paint(Tone::Bold, "Actions (checked on the server):");
        let _ = writeln!(out, "\n{heading}");
        for line in &review.actions {
            let _ = writeln!(out, "  {line}");
        }
    }
    if review.diffs.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\n{}",
        style.paint(Tone::Bold, "Diff (live → proposed, server dry-run):")
    );
    for d in &review.diffs {
        let (tone, label) = match d.kind {
            DiffKind::New => (Tone::Good, "new"),
            DiffKind::Changed => (Tone::Warn, "changed"),
            DiffKind::Unchanged => (Tone::Dim, "unchanged"),
        };
        let _ = writeln!(
            out,
            "{} {}",
            style.paint(tone, &format!("[{label}]")),
            d.object
        );
        for line in d.text.lines() {
            let tone = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => Some(Tone::Good),
                Some(b'-') if !line.starts_with("---") => Some(Tone::Bad),
                Some(b'@') => Some(Tone::Dim),
                _ => None,
            };
            let line = tone.map_or_else(|| line.to_owned(), |t| style.paint(t, line));
            let _ = writeln!(out, "  {line}");
        }
    }
    for o in &review.unchecked {
        let _ = writeln!(
            out,
            "{} {o}: not checked by the server (it needs something this plan creates first)",
            style.paint(Tone::Warn, "note:")
        );
    }
    out
}

/// What an apply did, object by object and action by action.
pub fn execution(applied: &ClusterApply, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{}", style.paint(Tone::Bold, "Applied:"));
    let paint = |r: OutcomeResult| {
        let (tone, word) = match r {
            OutcomeResult::Created => (Tone::Good, "created"),
            OutcomeResult::Configured => (Tone::Good, "configured"),
            OutcomeResult::Unchanged => (Tone::Dim, "unchanged"),
            OutcomeResult::Deleted => (Tone::Good, "deleted"),
            OutcomeResult::Done => (Tone::Good, "done"),
            OutcomeResult::Failed => (Tone::Bad, "FAILED"),
            OutcomeResult::Unknown => (Tone::Bad, "UNKNOWN (no answer; it may have been applied)"),
            OutcomeResult::NotAttempted => (Tone::Dim, "not attempted"),
        };
        style.paint(tone, word)
    };
    for o in &applied.objects {
        let ns = o
            .namespace
            .as_deref()
            .map_or_else(String::new, |n| format!(" -n {n}"));
        let _ = writeln!(out, "  {}/{}{ns}: {}", o.kind, o.name, paint(o.result));
        if let Some(e) = &o.error {
            let _ = writeln!(out, "      {e}");
        }
    }
    for a in &applied.actions {
        let _ = writeln!(out, "  $ {}: {}", command_line(&a.argv), paint(a.result));
        if !a.detail.is_empty() && a.result != OutcomeResult::NotAttempted {
            let _ = writeln!(out, "      {}", a.detail);
        }
    }
    if applied.cancelled {
        let _ = writeln!(
            out,
            "{}",
            style.paint(Tone::Warn, "Cancelled: nothing more was sent.")
        );
    }
    let changed = applied
        .objects
        .iter()
        .any(|o| o.result != OutcomeResult::NotAttempted)
        || applied.audit_id.is_some();
    let verdict = if applied.complete && !changed {
        style.paint(Tone::Good, "✓ done")
    } else if applied.complete {
        style.paint(Tone::Good, "✓ applied")
    } else {
        style.paint(Tone::Bad, "✗ stopped at the first failure")
    };
    let id = applied.audit_id.as_deref().map_or_else(String::new, |id| {
        format!(" (audit {id}; to undo: `shipmate undo {id}`, or /undo in the REPL)")
    });
    let _ = writeln!(out, "{verdict} to {}{id}", applied.server);
    out
}

/// What an undo did, step by step.
pub fn undo(report: &crate::session::UndoReport, style: Style) -> String {
    let mut out = String::new();
    for s in &report.steps {
        let (tone, word) = match s.result {
            OutcomeResult::Failed | OutcomeResult::Unknown => (Tone::Bad, "FAILED"),
            OutcomeResult::NotAttempted => (Tone::Dim, "not done"),
            _ => (Tone::Good, "done"),
        };
        let _ = writeln!(out, "  {}: {}", s.step, style.paint(tone, word));
        if !s.detail.is_empty() {
            let _ = writeln!(out, "      {}", s.detail);
        }
    }
    let verdict = if report.complete {
        style.paint(Tone::Good, &format!("✓ undid {}", report.undoes))
    } else {
        style.paint(
            Tone::Bad,
            &format!("✗ {} was not fully undone", report.undoes),
        )
    };
    let _ = writeln!(out, "{verdict}");
    out
}
