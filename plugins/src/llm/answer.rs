//! Turning a model's text into a [`Proposal`], and keeping the text when that fails.
//!
//! The model is told the schema, but nothing it says is trusted: the JSON is parsed, checked
//! for what the contract needs (a summary, complete objects, argv vectors starting with
//! `kubectl` and free of shell syntax), and the fields shipmate owns (`backend`, `request`,
//! `findings`, `applied`, `mutating`) are set here, whatever the model put there.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::mask::mask_text;
use super::prompts;
use crate::error::BackendError;
use crate::proposal::{Action, Proposal, Status, shell_metachar};

/// The fields of a proposal a model may fill in.
#[derive(Deserialize)]
struct ModelAnswer {
    status: Status,
    summary: String,
    #[serde(default)]
    manifests: Vec<Value>,
    #[serde(default)]
    actions: Vec<Action>,
    #[serde(default)]
    questions: Vec<String>,
}

/// Parses and checks a model's answer. The error says, in a line a model can act on, why the
/// answer was rejected (it is sent back in the repair request).
pub fn parse_proposal(backend: &str, request: &str, raw: &str) -> Result<Proposal, String> {
    let text = strip_fence(raw);
    if text.is_empty() {
        return Err("the answer was empty".into());
    }
    let answer: ModelAnswer = serde_json::from_str(text)
        .map_err(|e| format!("it is not a valid proposal object ({e})"))?;
    if answer.summary.trim().is_empty() {
        return Err("`summary` is empty".into());
    }
    for (i, m) in answer.manifests.iter().enumerate() {
        let field = |p: &str| {
            m.pointer(p)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        if field("/apiVersion").is_none()
            || field("/kind").is_none()
            || field("/metadata/name").is_none()
        {
            return Err(format!(
                "manifests[{i}] is not a complete object (apiVersion, kind and metadata.name are required)"
            ));
        }
    }
    for (i, a) in answer.actions.iter().enumerate() {
        if a.argv.first().map(String::as_str) != Some("kubectl") {
            return Err(format!("actions[{i}].argv must start with \"kubectl\""));
        }
        if let Some(m) = a.argv.iter().find_map(|arg| shell_metachar(arg)) {
            return Err(format!(
                "actions[{i}].argv contains shell syntax `{m}`: use plain argv"
            ));
        }
    }
    if answer.status == Status::NeedsInput && answer.questions.is_empty() {
        return Err("`status` is needs_input but `questions` is empty".into());
    }
    let mut proposal = Proposal::new(backend, request, answer.status, answer.summary.trim());
    proposal.manifests = answer.manifests;
    proposal.actions = answer.actions;
    proposal.questions = answer.questions;
    Ok(proposal)
}

/// The answer to a request the model refused: `not_understood`, with its (masked) words.
pub fn declined(backend: &str, request: &str, refusal: &str) -> Proposal {
    let summary = format!("the model declined: {}", mask_text(refusal));
    Proposal::new(backend, request, Status::NotUnderstood, summary)
}

/// What [`AnswerCheck::check`] made of an answer.
#[derive(Debug)]
pub enum Checked {
    /// A usable proposal.
    Proposal(Box<Proposal>),
    /// Not usable: send this repair request and ask again.
    Repair(String),
}

/// Checks one request's answers, allowing `max_repairs` repair requests; after that, an
/// unusable answer is saved and becomes a [`BackendError::MalformedAnswer`].
#[derive(Debug)]
pub struct AnswerCheck<'a> {
    backend: &'static str,
    request: &'a str,
    max_repairs: u32,
    dir: &'a Path,
    repairs: u32,
}

impl<'a> AnswerCheck<'a> {
    /// A check for answers to `request` from `backend`, saving rejected ones under `dir`.
    pub fn new(backend: &'static str, request: &'a str, max_repairs: u32, dir: &'a Path) -> Self {
        Self {
            backend,
            request,
            max_repairs,
            dir,
            repairs: 0,
        }
    }

    /// The proposal in `raw`, or the repair request to send, or (repairs used up) the error.
    pub fn check(&mut self, raw: &str) -> Result<Checked, BackendError> {
        let reason = match parse_proposal(self.backend, self.request, raw) {
            Ok(proposal) => return Ok(Checked::Proposal(Box::new(proposal))),
            Err(reason) => reason,
        };
        if self.repairs >= self.max_repairs {
            return Err(BackendError::MalformedAnswer {
                backend: self.backend.into(),
                repairs: self.repairs,
                reason,
                saved: save_answer(self.dir, self.backend, raw),
            });
        }
        self.repairs += 1;
        tracing::debug!(round = self.repairs, %reason, "asking the model to repair its answer");
        Ok(Checked::Repair(prompts::repair(&reason)))
    }
}

/// The JSON inside a Markdown code fence, which some models add despite being told not to.
pub fn strip_fence(raw: &str) -> &str {
    let text = raw.trim();
    let Some(inner) = text.strip_prefix("```") else {
        return text;
    };
    let inner = inner.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

/// Where rejected answers are kept by default: `$XDG_STATE_HOME/shipmate/answers`, else
/// `~/.local/state/shipmate/answers`, else the temp dir.
pub fn default_answer_dir() -> PathBuf {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/state")));
    match state {
        Some(dir) => dir.join("shipmate").join("answers"),
        None => std::env::temp_dir().join("shipmate-answers"),
    }
}

/// Saves a rejected answer under `dir` (or the temp dir when `dir` cannot be written) and
/// returns its path.
pub fn save_answer(dir: &Path, backend: &str, raw: &str) -> PathBuf {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let name = format!("{backend}-answer-{millis}-{}.txt", std::process::id());
    let fallback = std::env::temp_dir().join("shipmate-answers");
    for dir in [dir, fallback.as_path()] {
        let path = dir.join(&name);
        if std::fs::create_dir_all(dir).is_ok() && std::fs::write(&path, raw).is_ok() {
            return path;
        }
    }
    fallback.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_answer_parses_and_shipmate_owns_its_fields() {
        let raw = r#"```json
{"backend":"evil","request":"x","status":"proposed","summary":"Scale web",
 "actions":[{"argv":["kubectl","scale","deployment/web","--replicas=3"],"mutating":false,"reason":"r"}],
 "findings":[{"gate":"g"}],"applied":{"mode":"cluster"}}
```"#;
        let p = parse_proposal("openai", "scale web to 3", raw).unwrap();
        assert_eq!(
            (p.backend.as_str(), p.request.as_str()),
            ("openai", "scale web to 3")
        );
        assert!(p.actions[0].mutating && p.findings.is_empty() && p.applied.is_none());
    }

    #[test]
    fn bad_answers_say_why() {
        for (raw, why) in [
            ("", "empty"),
            ("{\"status\":\"proposed\"", "not a valid proposal"),
            (r#"{"status":"done","summary":"s"}"#, "not a valid proposal"),
            (r#"{"status":"proposed","summary":" "}"#, "summary"),
            (
                r#"{"status":"proposed","summary":"s","manifests":[{"kind":"Pod"}]}"#,
                "manifests[0]",
            ),
            (
                r#"{"status":"proposed","summary":"s","actions":[{"argv":["rm","-rf"]}]}"#,
                "kubectl",
            ),
            (
                r#"{"status":"proposed","summary":"s","actions":[{"argv":["kubectl","get","pods;","rm"]}]}"#,
                "shell",
            ),
            (r#"{"status":"needs_input","summary":"s"}"#, "questions"),
        ] {
            let err = parse_proposal("openai", "r", raw).unwrap_err();
            assert!(err.contains(why), "{raw}: {err}");
        }
    }

    #[test]
    fn answers_are_saved_even_when_the_dir_is_unwritable() {
        let dir = tempfile::tempdir().unwrap();
        let path = save_answer(dir.path(), "openai", "raw text");
        assert!(path.starts_with(dir.path()));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "raw text");
        let path = save_answer(Path::new("/dev/null/x"), "openai", "raw");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "raw");
        std::fs::remove_file(path).unwrap();
    }
}
