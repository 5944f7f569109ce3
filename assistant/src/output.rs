//! Writing to stdout so that a closed pipe (`shipmate … | head`) is not an error.

use std::io::{self, Write};

use serde::Serialize;

use crate::cli::Output;

/// Writes `text` to stdout; a closed pipe is treated as success.
pub fn print(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Serialises `value` as pretty JSON or YAML (for the machine-readable output formats) and
/// prints it.
pub fn print_structured<T: Serialize>(format: Output, value: &T) -> anyhow::Result<()> {
    let text = match format {
        Output::Json => {
            let mut s = serde_json::to_string_pretty(value)?;
            s.push('\n');
            s
        }
        Output::Yaml => serde_saphyr::to_string(value)?,
        Output::Text => anyhow::bail!("text output is rendered by the command itself"),
    };
    print(&text)?;
    Ok(())
}
