//! The approval policy: which steps need a person's "yes" before they run.

use shipmate_plugins::Proposal;

/// When shipmate asks before running (`--approval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Approval {
    /// Ask before anything that changes the cluster; read-only actions run without asking.
    #[default]
    Mutations,
    /// Ask before everything, reads included.
    Always,
    /// Never ask (the same as `--yes`; for scripts). A blocking finding still stops it.
    Never,
}

impl Approval {
    /// Whether `proposal` needs a confirmation under this policy.
    pub fn needs_confirmation(self, proposal: &Proposal) -> bool {
        match self {
            Approval::Never => false,
            Approval::Always => !proposal.manifests.is_empty() || !proposal.actions.is_empty(),
            Approval::Mutations => proposal.mutates(),
        }
    }

    /// The spelling on the command line (`mutations`).
    pub fn as_str(self) -> &'static str {
        match self {
            Approval::Mutations => "mutations",
            Approval::Always => "always",
            Approval::Never => "never",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmate_plugins::{Action, Status};

    fn with_action(argv: &str) -> Proposal {
        let mut p = Proposal::new("t", "r", Status::Proposed, "s");
        p.actions.push(Action::new(
            argv.split(' ').map(str::to_owned).collect(),
            "why",
        ));
        p
    }

    #[test]
    fn reads_run_without_asking_only_under_mutations() {
        let read = with_action("kubectl get pods");
        let write = with_action("kubectl scale deployment/web --replicas=2");
        assert!(!Approval::Mutations.needs_confirmation(&read));
        assert!(Approval::Mutations.needs_confirmation(&write));
        assert!(Approval::Always.needs_confirmation(&read));
        assert!(!Approval::Never.needs_confirmation(&write));
    }
}
