//! The REPL's [`Ui`]: text on stdout, warnings on stderr, and one line editor for both the
//! prompt and the confirmations — so typed-ahead input is never lost between the two, and
//! Ctrl-C or Ctrl-D at a confirmation mean "no" and never leave the REPL.

use std::io::{IsTerminal, Write};

use rustyline::Editor;
use rustyline::history::FileHistory;

use super::complete::ReplHelper;
use crate::output;
use crate::session::{Choice, Prompter, Ui};
use crate::style::Style;

/// The line editor the REPL reads with.
pub type LineEditor = Editor<ReplHelper, FileHistory>;

/// See the module documentation.
pub struct ReplUi {
    style: Style,
    prompter: LinePrompter,
    stdout: std::io::Stdout,
}

impl ReplUi {
    /// A UI on the process's terminal (or pipes), reading with `editor`.
    pub fn new(editor: LineEditor) -> ReplUi {
        ReplUi {
            style: Style::for_stdout(),
            prompter: LinePrompter {
                editor,
                interactive: std::io::stdin().is_terminal(),
            },
            stdout: std::io::stdout(),
        }
    }

    /// The line editor.
    pub fn editor(&mut self) -> &mut LineEditor {
        &mut self.prompter.editor
    }
}

impl Ui for ReplUi {
    fn show(&mut self, text: &str) {
        // A closed pipe is not an error; the session goes on recording its decisions.
        let _ = output::print(text);
    }

    fn stream(&mut self) -> &mut (dyn Write + Send) {
        &mut self.stdout
    }

    fn prompter(&mut self) -> &mut dyn Prompter {
        &mut self.prompter
    }

    fn style(&self) -> Style {
        self.style
    }
}

/// Asks on the terminal through the REPL's line editor (answers do not join the history).
/// Without a terminal on stdin nobody is asked: nothing that needs a confirmation runs.
struct LinePrompter {
    editor: LineEditor,
    interactive: bool,
}

impl LinePrompter {
    /// One answer; `None` on Ctrl-C, Ctrl-D or a terminal error.
    fn read(&mut self, question: &str) -> Option<String> {
        self.editor.readline(question).ok()
    }
}

impl Prompter for LinePrompter {
    fn interactive(&self) -> bool {
        self.interactive
    }

    fn choose(&mut self, question: &str) -> Option<Choice> {
        Choice::read_with(|| self.read(question))
    }

    fn yes_no(&mut self, question: &str) -> bool {
        self.read(question)
            .is_some_and(|a| Choice::parse(&a) == Some(Choice::Yes))
    }
}
