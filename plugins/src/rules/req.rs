//! A request being handled: its words, intent, slots and effective namespace, plus the small
//! helpers every handler uses to build answers.

use shipmate_manifests::gates::ResourceDefaults;

use super::intent::{Intent, classify};
use super::slots::{self, Ns, Slots, name_after, name_before};
use super::text::Words;
use super::vocab::{Res, resource};
use super::{NAME, vocab};
use crate::proposal::{Action, Proposal, Status};

/// A parsed request.
#[derive(Debug)]
pub struct Req {
    /// The request as given.
    pub text: String,
    /// Its words (slot words marked).
    pub w: Words,
    /// What it wants.
    pub intent: Intent,
    /// Its slots.
    pub s: Slots,
    /// The namespace for objects and actions: the request's, else the default (`-n`).
    pub ns: Option<String>,
    /// Whether the request spans all namespaces.
    pub all_ns: bool,
    /// Resource requests/limits for generated containers.
    pub defaults: ResourceDefaults,
}

impl Req {
    /// Parses `trimmed` (the original `text` is kept for the proposal).
    pub fn new(
        text: &str,
        trimmed: &str,
        default_namespace: Option<&str>,
        defaults: &ResourceDefaults,
    ) -> Req {
        let mut w = Words::new(trimmed);
        let intent = classify(&w);
        let s = slots::extract(&mut w);
        let (ns, all_ns) = match &s.namespace {
            Some(Ns::Named(n)) => (Some(n.clone()), false),
            Some(Ns::All) => (None, true),
            None => (default_namespace.map(str::to_owned), false),
        };
        Req {
            text: text.to_owned(),
            w,
            intent,
            s,
            ns,
            all_ns,
            defaults: defaults.clone(),
        }
    }

    /// The first resource noun not consumed by a slot, with its position.
    pub fn noun(&self) -> Option<(usize, Res)> {
        self.nouns().next()
    }

    /// Every resource noun not consumed by a slot, in order.
    pub fn nouns(&self) -> impl Iterator<Item = (usize, Res)> + '_ {
        self.w.indices().filter_map(|i| {
            if self.w.used(i) || self.w.tok(i).is_some_and(|t| t.quoted) {
                return None;
            }
            resource(self.w.low(i)).map(|r| (i, r))
        })
    }

    /// The first noun of one of `kinds`.
    pub fn noun_of(&self, kinds: &[Res]) -> Option<(usize, Res)> {
        self.nouns().find(|(_, r)| kinds.contains(r))
    }

    /// The object name: explicit, else next to the noun at `noun`.
    pub fn name_near(&self, noun: Option<usize>) -> Option<String> {
        self.s.name.clone().or_else(|| {
            let i = noun?;
            name_after(&self.w, i).or_else(|| name_before(&self.w, i))
        })
    }

    /// The first plausible name anywhere after word `from` (`reduce orders to 1 pod`).
    pub fn loose_name(&self, from: usize) -> Option<String> {
        (from..self.w.len()).find_map(|i| slots::plausible_name(&self.w, i))
    }

    /// Index of the first verb word (for [`Req::loose_name`]).
    pub fn verb_index(&self) -> usize {
        self.w
            .indices()
            .find(|&i| super::intent::is_verb_word(self.w.low(i)))
            .map_or(0, |i| i + 1)
    }

    /// Whether the request uses a pronoun for its object (`roll it back`).
    pub fn pronoun(&self) -> bool {
        self.w.has(vocab::PRONOUNS)
    }

    /// A `proposed` answer.
    pub fn proposed(&self, summary: impl Into<String>) -> Proposal {
        Proposal::new(NAME, &self.text, Status::Proposed, summary)
    }

    /// A `needs_input` answer with questions.
    pub fn needs(&self, summary: impl Into<String>, questions: Vec<String>) -> Proposal {
        let mut p = Proposal::new(NAME, &self.text, Status::NeedsInput, summary);
        p.questions = questions;
        p
    }

    /// Namespace flags for an action on a namespaced resource.
    pub fn ns_flags(&self) -> Vec<String> {
        if self.all_ns {
            vec!["--all-namespaces".into()]
        } else if let Some(ns) = &self.ns {
            vec!["-n".into(), ns.clone()]
        } else {
            Vec::new()
        }
    }

    /// A kubectl action: `kubectl ARGS… [-n NS]` (namespace flags only when `namespaced`).
    pub fn action(&self, args: &[&str], namespaced: bool, reason: &str) -> Action {
        let mut argv: Vec<String> = std::iter::once("kubectl")
            .chain(args.iter().copied())
            .map(str::to_owned)
            .collect();
        if namespaced {
            argv.extend(self.ns_flags());
        }
        Action::new(argv, reason)
    }

    /// ` in namespace X` for summaries ("" for the default).
    pub fn in_ns(&self) -> String {
        match (&self.ns, self.all_ns) {
            (_, true) => " in all namespaces".into(),
            (Some(ns), _) => format!(" in namespace {ns}"),
            (None, _) => String::new(),
        }
    }
}
