//! Terminal styling: ANSI colour only when stdout is a terminal and `NO_COLOR` is unset.

use std::io::IsTerminal;

/// Colours used in human output.
#[derive(Debug, Clone, Copy)]
pub enum Tone {
    /// Success.
    Good,
    /// A warning.
    Warn,
    /// A failure or block.
    Bad,
    /// De-emphasised detail.
    Dim,
    /// Headings.
    Bold,
}

/// Decides once whether to colour, then paints strings.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    enabled: bool,
}

impl Style {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    pub fn for_stdout() -> Self {
        let enabled = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Self { enabled }
    }

    /// No colour at all (text that goes into JSON).
    pub fn plain() -> Self {
        Self { enabled: false }
    }

    /// Wraps `text` in the ANSI codes of `tone` (or returns it unchanged).
    pub fn paint(&self, tone: Tone, text: &str) -> String {
        if !self.enabled {
            return text.to_owned();
        }
        let code = match tone {
            Tone::Good => "32",
            Tone::Warn => "33",
            Tone::Bad => "31;1",
            Tone::Dim => "2",
            Tone::Bold => "1",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}
