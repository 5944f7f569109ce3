//! The session's [`Ui`] inside the MCP server: nobody sits at a terminal, and stdout may be the
//! protocol channel (stdio transport), so everything the apply path would show (the diff, the
//! result, kubectl output, warnings) is collected and returned in the tool result instead.
//! Nothing is ever asked: the `apply` call is the confirmation.

use crate::session::{Choice, Prompter, Ui};
use crate::style::Style;

/// Collects what the session shows.
#[derive(Debug, Default)]
pub struct Collected {
    /// Human text: the diff, the apply result, notes.
    pub shown: String,
    /// Warnings and errors (`not applying: …`).
    pub warnings: Vec<String>,
    /// Progress lines (rollouts followed with `--wait`).
    pub progress: Vec<String>,
    /// What kubectl actions printed.
    pub stream: Vec<u8>,
    prompter: Nobody,
}

impl Collected {
    /// The streamed kubectl output as text.
    pub fn stream_text(&self) -> String {
        String::from_utf8_lossy(&self.stream).into_owned()
    }
}

/// No one to ask.
#[derive(Debug, Default)]
struct Nobody;

impl Prompter for Nobody {
    fn interactive(&self) -> bool {
        false
    }

    fn choose(&mut self, _question: &str) -> Option<Choice> {
        None
    }

    fn yes_no(&mut self, _question: &str) -> bool {
        false
    }
}

impl Ui for Collected {
    fn show(&mut self, text: &str) {
        self.shown.push_str(text);
    }

    fn warn(&mut self, text: &str) {
        self.warnings.push(text.to_owned());
    }

    fn progress(&mut self, text: &str) {
        self.progress.push(text.to_owned());
    }

    fn stream(&mut self) -> &mut (dyn std::io::Write + Send) {
        &mut self.stream
    }

    fn prompter(&mut self) -> &mut dyn Prompter {
        &mut self.prompter
    }

    fn style(&self) -> Style {
        Style::plain()
    }
}
