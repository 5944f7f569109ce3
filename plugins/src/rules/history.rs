//! Pronouns across a session: "scale it to 5" after "create a deployment named web …" means
//! the deployment web. The rules backend resolves a pronoun only when the request alone lacks a
//! name, and only from the most recent proposal that names an object.

use super::vocab::PRONOUNS;
use crate::proposal::Proposal;

/// `kind name` of the most recent object named in `history` (`deployment web`).
pub fn last_object(history: &[Proposal]) -> Option<String> {
    history.iter().rev().find_map(|p| {
        let from_manifest = p.manifests.first().and_then(|m| {
            let kind = m.get("kind")?.as_str()?.to_lowercase();
            let name = m.get("metadata")?.get("name")?.as_str()?;
            Some(format!("{kind} {name}"))
        });
        from_manifest.or_else(|| {
            // `kubectl VERB [SUB] type/name …`
            p.actions.iter().find_map(|a| {
                let slash = a
                    .argv
                    .iter()
                    .skip(1)
                    .find(|t| !t.starts_with('-') && t.contains('/') && !t.contains('='))?;
                let (kind, name) = slash.split_once('/')?;
                Some(format!("{kind} {name}"))
            })
        })
    })
}

/// The request with its first pronoun replaced by `object`, if it has one.
pub fn substitute(text: &str, object: &str) -> Option<String> {
    let mut replaced = false;
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            let bare = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if !replaced && PRONOUNS.contains(&bare.as_str()) {
                replaced = true;
                object.to_owned()
            } else {
                w.to_owned()
            }
        })
        .collect();
    replaced.then(|| words.join(" "))
}
