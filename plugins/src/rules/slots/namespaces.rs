//! Namespaces: `in namespace X`, `in the X namespace`, `namespace X`, `in X`, `-n X`,
//! `--namespace=X`, and `in all namespaces` / `-A`.

use super::Ns;
use crate::rules::text::Words;
use crate::rules::vocab::{STOPWORDS, is_label, resource};

/// Words that cannot follow a bare `in` as a namespace.
const NOT_AFTER_IN: &[&str] = &[
    "json",
    "yaml",
    "wide",
    "detail",
    "details",
    "order",
    "parallel",
    "production",
    "case",
    "place",
    "total",
    "front",
    "use",
    "there",
    "here",
    "minutes",
    "seconds",
    "hours",
    "allnamespaces",
];

/// Extracts the namespace; marks the words.
pub fn extract(w: &mut Words) -> Option<Ns> {
    let first_noun = w.indices().find(|&i| resource(w.low(i)).is_some());
    for i in w.indices() {
        let low = w.low(i);
        if low == "allnamespaces" || low == "-a" || low == "--all-namespaces" {
            w.mark(i..i + 1);
            if i > 0 && matches!(w.low(i - 1), "in" | "across" | "from") {
                w.mark(i - 1..i);
            }
            return Some(Ns::All);
        }
        if let Some(ns) = low.strip_prefix("--namespace=")
            && is_label(ns)
        {
            w.mark(i..i + 1);
            return Some(Ns::Named(ns.to_owned()));
        }
        if matches!(low, "-n" | "--namespace") && is_label(w.low(i + 1)) {
            w.mark(i..i + 2);
            return Some(Ns::Named(w.low(i + 1).to_owned()));
        }
        let prev = if i > 0 { w.low(i - 1) } else { "" };
        // `namespace X` (unless the namespace *is* the object: `create namespace X`).
        if matches!(low, "namespace" | "ns")
            && prev != "from"
            && (Some(i) != first_noun
                || matches!(
                    prev,
                    "in" | "into" | "inside" | "within" | "isolate" | "lock" | "deny" | "block"
                ))
            && is_label(w.low(i + 1))
            && !STOPWORDS.contains(&w.low(i + 1))
        {
            let start = if matches!(prev, "in" | "into" | "inside" | "within") {
                i - 1
            } else {
                i
            };
            w.mark(start..i + 2);
            return Some(Ns::Named(w.low(i + 1).to_owned()));
        }
        // `in the X namespace`, `in X`.
        if matches!(low, "in" | "into" | "inside" | "within") {
            let mut j = i + 1;
            if w.low(j) == "the" {
                j += 1;
            }
            let cand = w.low(j);
            if matches!(w.low(j + 1), "namespace" | "ns") && is_label(cand) {
                w.mark(i..j + 2);
                return Some(Ns::Named(cand.to_owned()));
            }
            if j == i + 1
                && is_label(cand)
                && !STOPWORDS.contains(&cand)
                && !NOT_AFTER_IN.contains(&cand)
                && !crate::rules::intent::is_state_word(cand)
                && resource(cand).is_none()
                && cand.parse::<f64>().is_err()
                && !w.used(j)
                && !matches!(w.low(j + 1), "container" | "pod" | "mode")
            {
                w.mark(i..j + 1);
                return Some(Ns::Named(cand.to_owned()));
            }
        }
    }
    None
}
