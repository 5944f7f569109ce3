//! `key=value` pairs (labels, selectors, env, ConfigMap/Secret data, annotations), with the
//! role the words before them give (`env A=1`, `labeled tier=web`, `annotation x=y`).

use std::sync::LazyLock;

use regex::Regex;

use crate::rules::text::Words;

/// Label/annotation keys (`app.kubernetes.io/name`), env names and data keys.
static KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_.\-/]{0,252}$").expect("key regex"));

/// What a pair is for, according to the words before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairRole {
    /// `env`, `environment variable`.
    Env,
    /// `label`, `labeled`, `selector`, `-l`.
    Label,
    /// `annotation`.
    Annotation,
    /// Nothing said: the intent decides (data for ConfigMaps/Secrets, selector for Services).
    Plain,
}

/// One `key=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The key, as written.
    pub key: String,
    /// The value, as written (quotes removed).
    pub value: String,
    /// The role.
    pub role: PairRole,
    /// Index of the word it came from.
    pub pos: usize,
}

fn role_word(low: &str) -> Option<PairRole> {
    match low {
        "env" | "envs" | "environment" | "variable" | "variables" | "var" | "vars" | "--env"
        | "-e" => Some(PairRole::Env),
        "label" | "labels" | "labeled" | "labelled" | "selector" | "selecting" | "matching"
        | "-l" | "--selector" | "tagged" => Some(PairRole::Label),
        "annotation" | "annotations" | "annotate" | "annotated" => Some(PairRole::Annotation),
        _ => None,
    }
}

/// Extracts every pair; marks the words (and the role words).
pub fn extract(w: &mut Words) -> Vec<Pair> {
    let mut out: Vec<Pair> = Vec::new();
    let mut last_role: Option<(usize, PairRole)> = None;
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let raw = w.raw(i).to_owned();
        let parts = split_pairs(&raw);
        if parts.is_empty() {
            continue;
        }
        // A role word up to three words back, or the role of a pair just before (`A=1 and B=2`).
        let mut role = None;
        for k in (i.saturating_sub(3)..i).rev() {
            if let Some(r) = role_word(w.low(k)) {
                role = Some(r);
                w.mark(k..k + 1);
                break;
            }
        }
        let role = role
            .or_else(|| last_role.filter(|(j, _)| i - j <= 2).map(|(_, r)| r))
            .unwrap_or(PairRole::Plain);
        for (key, value) in parts {
            out.push(Pair {
                key,
                value,
                role,
                pos: i,
            });
        }
        last_role = Some((i, role));
        w.mark(i..i + 1);
    }
    out
}

/// `a=b` or `a=b,c=d`; empty when the word is not made of pairs.
fn split_pairs(raw: &str) -> Vec<(String, String)> {
    let raw = raw.trim_start_matches("--from-literal=");
    let mut out = Vec::new();
    let pieces: Vec<&str> = if raw.matches('=').count() > 1 {
        raw.split(',').collect()
    } else {
        vec![raw]
    };
    for piece in pieces {
        let Some((k, v)) = piece.split_once('=') else {
            return Vec::new();
        };
        if !KEY.is_match(k) || k.starts_with('-') {
            return Vec::new();
        }
        out.push((k.to_owned(), v.to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_words_before() {
        let mut w = Words::new("with env SMTP_HOST=mail.internal and PORT=25 labeled tier=web");
        let pairs = extract(&mut w);
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0].role, PairRole::Env);
        assert_eq!(pairs[1].role, PairRole::Env);
        assert_eq!(pairs[2].role, PairRole::Label);
        assert_eq!(pairs[2].value, "web");
    }

    #[test]
    fn lists_and_plain() {
        let pairs = extract(&mut Words::new("for app=admin,tier=db"));
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].role, PairRole::Plain);
        assert!(extract(&mut Words::new("a == b")).is_empty());
        let quoted = extract(&mut Words::new("msg='hello world'"));
        assert_eq!(quoted[0].value, "hello world");
    }
}
