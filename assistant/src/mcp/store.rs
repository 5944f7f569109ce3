//! Proposals made by the `propose` tool, kept in the server's memory by id until `apply` takes
//! them (at most once) or newer ones push them out. Nothing is written to disk: a restart
//! forgets them, and `apply` says so.

use std::collections::VecDeque;

use shipmate_plugins::Proposal;

/// How many proposals are kept; older ones are forgotten first.
pub const KEPT: usize = 64;

/// A kept proposal and where it came from.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The proposal.
    pub proposal: Proposal,
    /// Whether it is a `diagnose` finding's fix: the live object with only the fields it
    /// changes changed, applied taking those fields over from their manager (as
    /// `shipmate diagnose --fix` does).
    pub is_fix: bool,
}

/// Proposals by id, oldest first.
#[derive(Debug, Default)]
pub struct Proposals {
    entries: VecDeque<(String, Kept)>,
}

impl Proposals {
    /// Keeps `proposal` and returns its new id (`p-` and 16 hex digits, random).
    pub fn insert(&mut self, proposal: Proposal, is_fix: bool) -> String {
        let id = loop {
            let id = format!("p-{:016x}", fastrand::u64(..));
            if !self.entries.iter().any(|(known, _)| *known == id) {
                break id;
            }
        };
        if self.entries.len() == KEPT {
            self.entries.pop_front();
        }
        self.entries
            .push_back((id.clone(), Kept { proposal, is_fix }));
        id
    }

    /// Takes the proposal `id` out (so it is applied at most once).
    pub fn take(&mut self, id: &str) -> Option<Kept> {
        let at = self.entries.iter().position(|(known, _)| known == id)?;
        self.entries.remove(at).map(|(_, kept)| kept)
    }

    /// Puts back a proposal that [`Proposals::take`] took and that was not applied (a cluster
    /// that could not be reached, say), under the same id.
    pub fn restore(&mut self, id: String, kept: Kept) {
        if self.entries.len() == KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back((id, kept));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmate_plugins::Status;

    fn proposal(summary: &str) -> Proposal {
        Proposal::new("rules", "r", Status::Proposed, summary)
    }

    #[test]
    fn a_proposal_is_taken_once_and_the_oldest_go_first() {
        let mut store = Proposals::default();
        let first = store.insert(proposal("first"), false);
        let ids: Vec<String> = (0..KEPT - 1)
            .map(|i| store.insert(proposal(&i.to_string()), i == 0))
            .collect();
        assert!(first.starts_with("p-") && first.len() == 18, "{first}");
        let newest = store.insert(proposal("newest"), false);
        assert!(store.take(&first).is_none(), "pushed out by the 65th");
        assert_eq!(store.take(&newest).unwrap().proposal.summary, "newest");
        assert!(store.take(&newest).is_none(), "taken once");
        let kept = store.take(&ids[0]).unwrap();
        store.restore(ids[0].clone(), kept);
        let again = store.take(&ids[0]).unwrap();
        assert_eq!(again.proposal.summary, "0");
        assert!(again.is_fix);
    }
}
