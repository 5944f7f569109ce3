//! The line editor's helper: Tab completion (meta-commands and their arguments, resource
//! kinds, and names from the cluster after a kind) and multi-line input (a line ending in `\`
//! continues on the next).

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::meta;
use super::names::{KINDS, NameCache, kind_named, namespace_kind};

/// What completion knows about the session; the REPL updates it when the context, namespace or
/// cluster changes.
pub struct ReplHelper {
    /// Names listed from the cluster (cached).
    pub names: NameCache,
    /// The namespace names are listed in unless the line says `-n NAME`.
    pub namespace: String,
    /// The kubeconfig's contexts.
    pub contexts: Vec<String>,
    /// The backends `/backend` can switch to.
    pub backends: Vec<String>,
}

const POLICIES: &[&str] = &["mutations", "always", "never"];

impl ReplHelper {
    /// The start of the word before `pos` and the words that complete it.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos];
        let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word = &before[start..];
        let earlier: Vec<&str> = before[..start].split_whitespace().collect();
        let options: Vec<String> = match earlier.as_slice() {
            [] if word.starts_with('/') => owned(&meta::names()),
            [command] if command.starts_with('/') => self.argument(command),
            [command, ..] if command.starts_with('/') => Vec::new(),
            _ => self.request_word(&earlier, word),
        };
        let lower = word.to_ascii_lowercase();
        let mut matches: Vec<String> = options
            .into_iter()
            .filter(|o| o.starts_with(word) || o.to_ascii_lowercase().starts_with(&lower))
            .collect();
        matches.dedup();
        (start, matches)
    }

    /// Completions of a meta-command's argument.
    fn argument(&self, command: &str) -> Vec<String> {
        match command {
            "/context" => self.contexts.clone(),
            "/ns" => self.names.names(namespace_kind(), ""),
            "/backend" => self.backends.clone(),
            "/approval" => owned(POLICIES),
            _ => Vec::new(),
        }
    }

    /// In a request: a name after a kind word, else a kind (once a word is started).
    fn request_word(&self, earlier: &[&str], word: &str) -> Vec<String> {
        if let Some(kind) = earlier.last().and_then(|w| kind_named(w)) {
            return self
                .names
                .names(kind, namespace_in(earlier).unwrap_or(&self.namespace));
        }
        if word.is_empty() {
            return Vec::new();
        }
        KINDS.iter().map(|k| k.word.to_owned()).collect()
    }
}

/// The namespace a request names with `-n NAME`, `--namespace NAME` or `in namespace NAME`.
fn namespace_in<'a>(words: &[&'a str]) -> Option<&'a str> {
    words
        .windows(2)
        .rev()
        .find(|w| matches!(w[0], "-n" | "--namespace" | "namespace"))
        .map(|w| w[1])
}

fn owned(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// Joins the lines of a multi-line input (continued with `\`, or pasted) into one request:
/// each line break, with the `\` before it, becomes one space.
pub fn join_continuations(input: &str) -> String {
    input
        .lines()
        .map(|line| line.strip_suffix('\\').unwrap_or(line).trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    /// Each candidate is inserted with a space after it, ready for the next word.
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, words) = self.candidates(line, pos);
        let pairs = words
            .into_iter()
            .map(|word| Pair {
                replacement: format!("{word} "),
                display: word,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if ctx.input().ends_with('\\') {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::super::names::{Kind, NameSource};
    use super::*;

    struct Table;

    impl NameSource for Table {
        fn list(&self, kind: &Kind, namespace: &str) -> Result<Vec<String>, String> {
            Ok(match (kind.kind, namespace) {
                ("Deployment", "default") => vec!["web".into(), "worker".into(), "api".into()],
                ("Deployment", "prod") => vec!["payments".into()],
                ("Namespace", _) => vec!["default".into(), "prod".into()],
                _ => Vec::new(),
            })
        }
    }

    fn helper() -> ReplHelper {
        ReplHelper {
            names: NameCache::new(Some(Box::new(Table))),
            namespace: "default".into(),
            contexts: vec!["kind-dev".into(), "prod-eu".into()],
            backends: vec!["rules".into(), "openai".into()],
        }
    }

    fn complete(line: &str) -> (usize, Vec<String>) {
        helper().candidates(line, line.len())
    }

    #[test]
    fn meta_commands_and_their_arguments() {
        assert_eq!(complete("/h"), (0, vec!["/help".into(), "/history".into()]));
        assert_eq!(complete("/").1.len(), meta::COMMANDS.len());
        assert_eq!(complete("/context p"), (9, vec!["prod-eu".into()]));
        assert_eq!(complete("/ns "), (4, vec!["default".into(), "prod".into()]));
        assert_eq!(complete("/approval n"), (10, vec!["never".into()]));
        assert_eq!(complete("/backend o").1, ["openai"]);
        assert!(complete("/show x").1.is_empty());
        assert!(complete("/ns prod x").1.is_empty());
    }

    #[test]
    fn kinds_then_names_from_the_cluster() {
        assert_eq!(complete("scale dep"), (6, vec!["deployment".into()]));
        assert_eq!(complete("scale Dep").1, ["deployment"]);
        assert_eq!(
            complete("scale deploy w"),
            (13, vec!["web".into(), "worker".into()])
        );
        assert_eq!(complete("restart deployments ").1, ["api", "web", "worker"]);
        assert_eq!(complete("scale deploy -n prod x").1, Vec::<String>::new());
        assert_eq!(complete("scale -n prod deploy p").1, ["payments"]);
        assert!(complete("scale it to ").1.is_empty(), "nothing to offer");
    }

    #[test]
    fn completion_in_the_middle_of_a_line() {
        let h = helper();
        assert_eq!(h.candidates("/hel and more", 4), (0, vec!["/help".into()]));
    }

    #[test]
    fn continuation_lines_are_joined() {
        assert_eq!(
            join_continuations("deploy nginx:1.27.1 \\\n  as web\\\r\nwith 2 replicas"),
            "deploy nginx:1.27.1 as web with 2 replicas"
        );
        assert_eq!(join_continuations("no continuation"), "no continuation");
        assert_eq!(join_continuations("pasted\nlines\n"), "pasted lines");
    }
}
