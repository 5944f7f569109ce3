//! The model's explanation, shown as it streams in.
//!
//! A streamed answer arrives as pieces of the proposal JSON (a content delta, Anthropic's
//! `input_json_delta` of the `propose` call, an Ollama line). [`AnswerStream`] watches those
//! pieces for the proposal's `"summary"` string and hands its decoded text to the session's
//! [`Progress`] sink as soon as it arrives, so a person reads the explanation while the model
//! is still writing the manifests. Only the summary is shown: the rest is JSON that the
//! pipeline validates and renders once it is complete.
//!
//! With `--anonymize` the pieces name placeholders: a trailing word is held back until it is
//! complete (`name-1` could still become `name-12`), then mapped back to the real name. A
//! stream that breaks and is retried starts over; what was already shown is not shown again.

use std::sync::{LazyLock, Mutex};

use regex::Regex;

use super::anonymize::Anonymizer;
use crate::backend::Progress;

/// Where the summary's string value starts.
static SUMMARY_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""summary"\s*:\s*""#).expect("summary regex"));

/// The summary-watching sink of one model call. Shared by reference with the transport
/// (interior mutability: the transport holds it across awaits).
pub struct AnswerStream<'a> {
    state: Mutex<State<'a>>,
}

struct State<'a> {
    progress: Option<&'a mut dyn Progress>,
    names: Option<&'a Anonymizer>,
    /// The answer so far (this attempt).
    text: String,
    /// Where the summary's characters start in `text`, once seen.
    start: Option<usize>,
    /// Chars of the summary (decoded, real names) already shown, over all attempts.
    shown: usize,
    /// Chars of the summary shown in this attempt.
    this_attempt: usize,
    done: bool,
}

impl<'a> AnswerStream<'a> {
    /// A sink reporting to `progress`, mapping placeholders back with `names`.
    pub fn new(progress: &'a mut dyn Progress, names: Option<&'a Anonymizer>) -> Self {
        Self::with(Some(progress), names)
    }

    /// A sink that shows nothing (no one to show it to).
    pub fn silent() -> AnswerStream<'static> {
        AnswerStream::with(None, None)
    }

    fn with(progress: Option<&'a mut dyn Progress>, names: Option<&'a Anonymizer>) -> Self {
        Self {
            state: Mutex::new(State {
                progress,
                names,
                text: String::new(),
                start: None,
                shown: 0,
                this_attempt: 0,
                done: false,
            }),
        }
    }

    /// A new attempt of the same call begins (after a retry): its pieces start from scratch.
    pub fn restart(&self) {
        let mut s = self.lock();
        s.text.clear();
        s.start = None;
        s.this_attempt = 0;
        s.done = false;
    }

    /// Adds a piece of the answer.
    pub fn push(&self, piece: &str) {
        let mut s = self.lock();
        if s.done || s.progress.is_none() {
            return;
        }
        s.text.push_str(piece);
        if s.start.is_none() {
            s.start = SUMMARY_KEY.find(&s.text).map(|m| m.end());
        }
        let Some(start) = s.start else { return };
        let (decoded, complete) = decode_prefix(&s.text[start..]);
        // Hold back a word that may still grow, unless the string is complete.
        let ready = if complete {
            decoded.len()
        } else {
            decoded
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
                .map_or(0, |(i, c)| i + c.len_utf8())
        };
        let ready = &decoded[..ready];
        let text = match s.names {
            Some(names) => names.reveal(ready),
            None => ready.to_owned(),
        };
        let chars = text.chars().count();
        let mut fresh = String::new();
        if chars > s.this_attempt {
            fresh = text.chars().skip(s.shown.max(s.this_attempt)).collect();
            s.this_attempt = chars;
            s.shown = s.shown.max(chars);
        }
        if complete {
            // The explanation ends its line (a repair round's comes on the next).
            fresh.push('\n');
        }
        if !fresh.is_empty()
            && let Some(progress) = s.progress.as_deref_mut()
        {
            progress.answer(&fresh);
        }
        s.done = complete;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<'a>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl std::fmt::Debug for AnswerStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerStream").finish_non_exhaustive()
    }
}

/// The decoded text of a JSON string body `raw` (what follows the opening quote) as far as it
/// can be decoded, and whether the closing quote was reached.
fn decode_prefix(raw: &str) -> (String, bool) {
    let bytes = raw.as_bytes();
    let mut i = 0;
    let mut end = None;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                end = Some(i);
                break;
            }
            _ => i += 1,
        }
    }
    let (body, complete) = match end {
        Some(e) => (&raw[..e], true),
        None => (safe_prefix(raw), false),
    };
    let decoded = serde_json::from_str::<String>(&format!("\"{body}\"")).unwrap_or_default();
    (decoded, complete)
}

/// `raw` without a trailing escape that is not complete yet (`\`, `\u00`).
fn safe_prefix(raw: &str) -> &str {
    let tail = raw.len().saturating_sub(6);
    let mut cut = raw.len();
    if let Some(pos) = raw[tail..].rfind('\\').map(|p| p + tail) {
        let escape = &raw[pos..];
        let backslashes = raw[..pos].chars().rev().take_while(|c| *c == '\\').count();
        let escaped_itself = backslashes % 2 == 1;
        let incomplete = escape.len() == 1 || (escape.as_bytes()[1] == b'u' && escape.len() < 6);
        if !escaped_itself && incomplete {
            cut = pos;
        }
    }
    &raw[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::anonymize::NameRole;

    #[derive(Default)]
    struct Shown(Vec<String>);

    impl Progress for Shown {
        fn update(&mut self, _: &str) {}
        fn answer(&mut self, text: &str) {
            self.0.push(text.to_owned());
        }
    }

    fn feed(pieces: &[&str], names: Option<&Anonymizer>) -> Vec<String> {
        let mut shown = Shown::default();
        let stream = AnswerStream::new(&mut shown, names);
        for p in pieces {
            stream.push(p);
        }
        drop(stream);
        shown.0
    }

    #[test]
    fn only_the_summary_is_shown_as_it_arrives() {
        let answer = r#"{"status":"proposed","summary":"api-0 \"crashes\": the pool\nis full \u00e9","manifests":[{"summary":"no"}]}"#;
        for size in [1, 2, 3, 5, 8, 13] {
            let pieces: Vec<String> = answer
                .as_bytes()
                .chunks(size)
                .map(|c| String::from_utf8(c.to_vec()).unwrap())
                .collect();
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            let shown = feed(&refs, None);
            assert_eq!(
                shown.concat(),
                "api-0 \"crashes\": the pool\nis full é\n",
                "pieces of {size}"
            );
            if size < 5 {
                assert!(shown.len() > 3, "streamed, not at once: {shown:?}");
            }
        }
        assert!(feed(&["plain text, no JSON"], None).is_empty());
    }

    #[test]
    fn placeholders_are_shown_as_real_names_once_complete() {
        let mut names = Anonymizer::new();
        for n in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "web"] {
            names.learn(n, NameRole::Object);
        }
        assert_eq!(names.placeholder("web"), Some("name-12"));
        let shown = feed(
            &[r#"{"summary":"restart name-1"#, r#"2 now"}"#],
            Some(&names),
        );
        assert_eq!(shown.concat(), "restart web now\n");
        assert!(!shown.iter().any(|s| s.contains("name-")), "{shown:?}");
    }

    #[test]
    fn a_retried_stream_does_not_repeat_what_was_shown() {
        let mut shown = Shown::default();
        let stream = AnswerStream::new(&mut shown, None);
        stream.push(r#"{"summary":"the pool is "#);
        stream.restart();
        stream.push(r#"{"summary":"the pool is full"}"#);
        drop(stream);
        assert_eq!(shown.0.concat(), "the pool is full\n");
    }
}
