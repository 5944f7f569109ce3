//! Names: explicit (`named X`, `called X`, `name X`, `as X`, quoted), or positional next to a
//! resource noun (`deployment web`, `the web deployment`).

use crate::rules::text::Words;
use crate::rules::vocab::{PRONOUNS, STOPWORDS, is_name, resource};

/// Words after which the next word is a name.
const MARKERS: &[&str] = &["named", "called", "name", "as", "titled"];

/// A name given explicitly; marks the words.
pub fn explicit(w: &mut Words) -> Option<String> {
    for i in w.indices() {
        if w.used(i) || !MARKERS.contains(&w.low(i)) {
            continue;
        }
        let mut j = i + 1;
        if w.low(i) == "name" && matches!(w.low(j), "is" | "of" | "it" | "to") {
            j += 1;
        }
        if w.low(i) == "as" && (resource(w.low(j)).is_some() || STOPWORDS.contains(&w.low(j))) {
            continue;
        }
        // After `named`/`called` anything name-shaped is the name, even `svc` or `purge`.
        if let Some(name) = candidate(w, j, w.low(i) != "as") {
            w.mark(i..j + 1);
            return Some(name);
        }
    }
    // A quoted word that is a valid name.
    for i in w.indices() {
        let quoted = w.tok(i).is_some_and(|t| t.quoted);
        if quoted && !w.used(i) && is_name(w.low(i)) {
            w.mark(i..i + 1);
            return Some(w.low(i).to_owned());
        }
    }
    None
}

/// The word at `i` if it can be a name: unconsumed, not a small word, not a number, not a
/// resource noun, and valid as a Kubernetes name once lower-cased.
pub fn plausible_name(w: &Words, i: usize) -> Option<String> {
    candidate(w, i, false)
}

/// Like [`plausible_name`]; with `verbs_ok`, verb words count too (`cronjob purge`: right after
/// a noun a word is a name even when it could be a verb).
fn candidate(w: &Words, i: usize, verbs_ok: bool) -> Option<String> {
    let tok = w.tok(i)?;
    let low = tok.low.as_str();
    if w.used(i)
        || STOPWORDS.contains(&low)
        || PRONOUNS.contains(&low)
        || (resource(low).is_some() && !tok.quoted && !verbs_ok)
        || low.parse::<f64>().is_ok()
        || low.starts_with('-')
        || !is_name(low)
        || (!verbs_ok && crate::rules::intent::is_verb_word(low))
    {
        return None;
    }
    Some(low.to_owned())
}

/// The name right after the resource noun at `noun` (`deployment web`), skipping "named".
pub fn name_after(w: &Words, noun: usize) -> Option<String> {
    // `secret generic db`, `secret docker-registry pull`: skip the type word.
    let at = if matches!(
        w.low(noun + 1),
        "generic" | "opaque" | "docker-registry" | "tls"
    ) {
        noun + 2
    } else {
        noun + 1
    };
    if resource(w.low(at)).is_some() {
        return None;
    }
    candidate(w, at, true)
}

/// The name right before the resource noun at `noun` (`the web deployment`), when the word
/// before it is an article or possessive.
pub fn name_before(w: &Words, noun: usize) -> Option<String> {
    if noun < 2 {
        return None;
    }
    let det = w.low(noun - 2);
    if matches!(det, "the" | "my" | "our" | "your" | "their") {
        plausible_name(w, noun - 1)
    } else {
        None
    }
}
