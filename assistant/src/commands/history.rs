//! `shipmate history`: the audit log, newest first. Lines that cannot be read are reported on
//! stderr (with their line number) and skipped; they never stop the listing.

use std::fmt::Write as _;

use serde::Serialize;

use crate::audit::{AuditLog, Entry};
use crate::cli::{HistoryArgs, Output};
use crate::exit::ExitCode;
use crate::output;

/// Longest request shown in the text table.
const REQUEST_WIDTH: usize = 60;

/// The JSON/YAML shape of `shipmate history`.
#[derive(Serialize)]
struct Listing<'a> {
    /// Where the log is.
    log: String,
    /// Entries, newest first.
    entries: Vec<&'a Entry>,
}

/// Runs `shipmate history`.
pub fn run(args: &HistoryArgs) -> anyhow::Result<ExitCode> {
    if args.output == Output::Text {
        output::print(&text(args.limit)?)?;
        return Ok(ExitCode::Ok);
    }
    let (log, read) = read_log()?;
    let limit = args.limit.unwrap_or(usize::MAX);
    let entries: Vec<&Entry> = read.entries.iter().rev().take(limit).collect();
    output::print_structured(
        args.output,
        &Listing {
            log: log.path().display().to_string(),
            entries,
        },
    )?;
    Ok(ExitCode::Ok)
}

/// The text listing of the newest `limit` entries (all when `None`), as `shipmate history`
/// prints it; the REPL's `/history` shows the same.
pub fn text(limit: Option<usize>) -> anyhow::Result<String> {
    let (log, read) = read_log()?;
    if read.entries.is_empty() {
        return Ok(format!(
            "No audit entries yet (log: {}).\n",
            log.path().display()
        ));
    }
    let limit = limit.unwrap_or(usize::MAX);
    let entries: Vec<&Entry> = read.entries.iter().rev().take(limit).collect();
    Ok(table(&entries))
}

/// The log and its readable entries; unreadable lines are reported on stderr.
fn read_log() -> anyhow::Result<(AuditLog, crate::audit::Contents)> {
    let log = AuditLog::default_location()?;
    let read = log.read()?;
    for w in &read.warnings {
        eprintln!("shipmate: warning: audit log {}: {w}", log.path().display());
    }
    Ok((log, read))
}

/// The text table: id, time, decision, objects count, request.
fn table(entries: &[&Entry]) -> String {
    let mut out = format!(
        "{:<26}  {:<19}  {:<8}  {:>7}  REQUEST\n",
        "ID", "TIME (UTC)", "DECISION", "OBJECTS"
    );
    for e in entries {
        let time: String = e
            .time
            .chars()
            .take(19)
            .collect::<String>()
            .replace('T', " ");
        let _ = writeln!(
            out,
            "{:<26}  {:<19}  {:<8}  {:>7}  {}",
            e.id,
            time,
            e.decision.as_str(),
            e.objects.len(),
            one_line(&e.request, REQUEST_WIDTH)
        );
    }
    out
}

/// `text` on one line (whitespace runs collapsed) of at most `width` characters.
fn one_line(text: &str, width: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= width {
        return flat;
    }
    let mut cut: String = flat.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_one_short_line() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("ééééééééééé", 5), "éééé…");
    }

    #[test]
    fn no_entries_is_a_header_only() {
        assert_eq!(table(&[]).lines().count(), 1);
    }
}
