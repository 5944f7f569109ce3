//! The confirmation: yes / no / edit / manual, asked on the terminal. A blocking finding is
//! never put to the person: [`Session::handle`](super::Session::handle) stops before asking.

use std::io::{self, BufRead, IsTerminal, Write};

/// What the person chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Apply it.
    Yes,
    /// Do nothing (recorded as declined).
    No,
    /// Open the proposal in `$EDITOR`, validate it again, and ask again.
    Edit,
    /// Write the files and print the commands instead of applying.
    Manual,
}

impl Choice {
    /// Reads an answer: `y`/`yes`, `n`/`no`, `e`/`edit`, `m`/`manual` (any case). An empty
    /// answer is `None` (ask again), as is anything else.
    pub fn parse(answer: &str) -> Option<Choice> {
        match answer.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Some(Choice::Yes),
            "n" | "no" => Some(Choice::No),
            "e" | "edit" => Some(Choice::Edit),
            "m" | "manual" => Some(Choice::Manual),
            _ => None,
        }
    }

    /// Asks with `read` until the answer is a choice (saying what the choices are after a
    /// wrong one); `None` when `read` returns `None` (input ended or was interrupted).
    pub fn read_with(mut read: impl FnMut() -> Option<String>) -> Option<Choice> {
        loop {
            if let Some(choice) = Choice::parse(&read()?) {
                return Some(choice);
            }
            eprintln!("answer y (apply), n (do nothing), e (edit first) or m (apply by hand)");
        }
    }
}

/// Asks the person. Implemented on the terminal for `ask`, on the line editor for the REPL,
/// and by scripted answers in tests.
pub trait Prompter {
    /// Whether there is a person to ask at all (a terminal). Without one, nothing that needs a
    /// confirmation runs.
    fn interactive(&self) -> bool;
    /// Asks `question` and returns the choice; `None` when input ended (Ctrl-D) or was
    /// interrupted (Ctrl-C), which counts as "no".
    fn choose(&mut self, question: &str) -> Option<Choice>;
    /// A yes/no question (default no).
    fn yes_no(&mut self, question: &str) -> bool;
}

/// Asks on stderr and reads the answer from stdin; interactive only when both are terminals.
#[derive(Debug, Default)]
pub struct TerminalPrompter;

impl TerminalPrompter {
    fn read_line(question: &str) -> Option<String> {
        let mut err = io::stderr();
        let _ = write!(err, "{question}");
        let _ = err.flush();
        let mut line = String::new();
        match io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line),
        }
    }
}

impl Prompter for TerminalPrompter {
    fn interactive(&self) -> bool {
        io::stdin().is_terminal() && io::stderr().is_terminal()
    }

    fn choose(&mut self, question: &str) -> Option<Choice> {
        Choice::read_with(|| Self::read_line(question))
    }

    fn yes_no(&mut self, question: &str) -> bool {
        Self::read_line(question).is_some_and(|l| Choice::parse(&l) == Some(Choice::Yes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_in_any_case_and_garbage_asks_again() {
        assert_eq!(Choice::parse("Y\n"), Some(Choice::Yes));
        assert_eq!(Choice::parse(" manual "), Some(Choice::Manual));
        assert_eq!(Choice::parse("E"), Some(Choice::Edit));
        assert_eq!(Choice::parse("no"), Some(Choice::No));
        assert_eq!(Choice::parse(""), None);
        assert_eq!(Choice::parse("yess"), None);
    }
}
