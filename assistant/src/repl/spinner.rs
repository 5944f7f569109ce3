//! The spinner shown while a backend works: on stderr, and only when stderr is a terminal
//! (a piped session stays plain text).

use std::io::{IsTerminal, Write as _};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use shipmate_plugins::Progress;

/// A spinner that reports the backend's progress messages; cleared when dropped.
pub struct Spinner {
    bar: Option<ProgressBar>,
    /// Whether the model's explanation, streaming in, left a line open.
    open_line: bool,
}

impl Spinner {
    /// Starts spinning with `message` (does nothing without a terminal).
    pub fn start(message: &str) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner {
                bar: None,
                open_line: false,
            };
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message.to_owned());
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner {
            bar: Some(bar),
            open_line: false,
        }
    }
}

impl Progress for Spinner {
    fn update(&mut self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_owned());
        }
    }

    /// The explanation replaces the spinner: it stops, and the text goes to stdout.
    fn answer(&mut self, text: &str) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        self.open_line = !text.ends_with('\n');
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.open_line {
            println!();
        }
    }
}
