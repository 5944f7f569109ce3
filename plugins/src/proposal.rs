//! The proposal contract (DESIGN.md): what every backend returns and what `shipmate ask
//! --output json` prints. The JSON shape is stable; scripts depend on it, and
//! `prompts/proposal.schema.json` is its checked-in JSON schema.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use shipmate_manifests::Finding;
pub use shipmate_manifests::kubectl::is_mutating;

use crate::applied::Applied;

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Manifests and/or actions are proposed and no gate blocks them.
    Proposed,
    /// A gate with severity `block` failed, or the request is destructive beyond what the
    /// constitution allows; `findings` say why.
    Blocked,
    /// The request is ambiguous; `questions` say what is missing.
    NeedsInput,
    /// The request could not be understood; `summary` says what the backend can do.
    NotUnderstood,
}

impl Status {
    /// The contract's spelling (`needs_input`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Blocked => "blocked",
            Status::NeedsInput => "needs_input",
            Status::NotUnderstood => "not_understood",
        }
    }
}

/// A proposal: manifests to apply and/or kubectl actions to run, with gate findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Proposal {
    /// The backend that produced it (`rules`).
    pub backend: String,
    /// The request as given.
    pub request: String,
    /// Where the proposal stands.
    pub status: Status,
    /// One line saying what the proposal does (or what is missing, or what the backend can do).
    pub summary: String,
    /// Complete Kubernetes objects (apiVersion, kind, metadata.name, namespace when not default).
    #[serde(default)]
    pub manifests: Vec<Value>,
    /// kubectl actions as argv vectors, `kubectl` first.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Every gate result that did not pass (filled in by validation, not by backends).
    #[serde(default)]
    #[schemars(with = "Vec<FindingSchema>")]
    pub findings: Vec<Finding>,
    /// What the person must answer when `status` is `needs_input`.
    #[serde(default)]
    pub questions: Vec<String>,
    /// What was done with the proposal: `null` when nothing was handed over (blocked, needs
    /// input, nothing to write), else an object whose `mode` says how (`manual`: files and
    /// commands to run by hand).
    #[serde(default)]
    pub applied: Option<Applied>,
    /// Tokens the backend's model calls used for this proposal (repairs and tool rounds
    /// included); absent when no model was asked (the rules backend). Set by shipmate, never
    /// by the model: not part of the schema a model answers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub usage: Option<crate::usage::Usage>,
}

impl Proposal {
    /// An empty proposal with the given status and summary.
    pub fn new(
        backend: &str,
        request: &str,
        status: Status,
        summary: impl Into<String>,
    ) -> Proposal {
        Proposal {
            backend: backend.to_owned(),
            request: request.to_owned(),
            status,
            summary: summary.into(),
            manifests: Vec::new(),
            actions: Vec::new(),
            findings: Vec::new(),
            questions: Vec::new(),
            applied: None,
            usage: None,
        }
    }

    /// True when any action would change cluster state.
    pub fn mutates(&self) -> bool {
        !self.manifests.is_empty() || self.actions.iter().any(|a| a.mutating)
    }
}

/// One kubectl invocation, as an argv vector (never a shell string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Action {
    /// The argv vector, `kubectl` first.
    pub argv: Vec<String>,
    /// Whether the action changes cluster state or runs commands inside it. Computed by
    /// shipmate from the verb; a value sent by a backend is ignored.
    pub mutating: bool,
    /// Why this action is proposed.
    pub reason: String,
}

impl Action {
    /// An action; `mutating` is computed from the kubectl verb.
    pub fn new(argv: Vec<String>, reason: impl Into<String>) -> Action {
        let mutating = is_mutating(&argv);
        Action {
            argv,
            mutating,
            reason: reason.into(),
        }
    }

    /// The argv joined with spaces (the form gate findings use to name an action).
    pub fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The wire form; `mutating` is accepted and thrown away.
        #[derive(Deserialize)]
        struct Wire {
            argv: Vec<String>,
            #[serde(default)]
            reason: String,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(Action::new(wire.argv, wire.reason))
    }
}

/// The shell metacharacter sequences that must never reach an argv (or be taken from a
/// request): `;`, `|`, `&&`, `$(`, a backtick, `>`, `<`. Returns the first one found.
pub fn shell_metachar(text: &str) -> Option<&'static str> {
    [";", "|", "&&", "$(", "`", ">", "<"]
        .into_iter()
        .find(|m| text.contains(m))
}

/// Schema stand-in for [`Finding`] (which lives in `shipmate-manifests` without schemars).
#[allow(dead_code)]
#[derive(JsonSchema)]
struct FindingSchema {
    /// The gate id (`image-pinned`, or `schema` for a schema violation).
    gate: String,
    /// `block` stops the proposal; `warn` is shown only.
    severity: SeveritySchema,
    /// `Kind/name` of the object, or the action's argv joined with spaces.
    object: String,
    /// What is wrong.
    message: String,
    /// What to change.
    fix: String,
}

/// Schema stand-in for the severity of a finding.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
enum SeveritySchema {
    /// Blocks the proposal.
    Block,
    /// Shown, does not block.
    Warn,
}

/// The JSON schema of [`Proposal`], pretty-printed (what `prompts/proposal.schema.json` holds).
pub fn proposal_schema_json() -> String {
    let schema = schemars::schema_for!(Proposal);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn mutating_follows_the_verb() {
        for cmd in [
            "kubectl scale deployment/web --replicas=2",
            "kubectl delete pod x",
            "kubectl exec -it pod/x -- sh",
            "kubectl attach x",
            "kubectl cp a b",
            "kubectl debug node/x",
            "kubectl rollout restart deployment/web",
            "kubectl -n prod drain node-1",
            "kubectl frobnicate",
            "kubectl",
        ] {
            assert!(is_mutating(&argv(cmd)), "{cmd}");
        }
        for cmd in [
            "kubectl get pods",
            "kubectl -n prod describe pod x",
            "kubectl --namespace prod logs x --previous",
            "kubectl events",
            "kubectl top nodes",
            "kubectl rollout status deployment/web",
            "kubectl rollout history deployment/web",
            "kubectl version",
            "kubectl api-resources",
            "kubectl port-forward svc/x 8080:80",
            "kubectl explain pods",
            "kubectl api-versions",
            "kubectl cluster-info",
        ] {
            assert!(!is_mutating(&argv(cmd)), "{cmd}");
        }
    }

    #[test]
    fn mutating_from_a_backend_is_ignored() {
        let a: Action =
            serde_json::from_str(r#"{"argv":["kubectl","delete","pod","x"],"mutating":false}"#)
                .unwrap();
        assert!(a.mutating);
    }

    #[test]
    fn metachars_are_found() {
        assert_eq!(shell_metachar("get pods && rm"), Some("&&"));
        assert_eq!(shell_metachar("a `b`"), Some("`"));
        assert_eq!(shell_metachar("echo $(id)"), Some("$("));
        assert_eq!(shell_metachar("scale web to 3"), None);
    }

    #[test]
    fn checked_in_schema_matches_the_types() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../prompts/proposal.schema.json"
        );
        let generated = proposal_schema_json();
        if std::env::var_os("SHIPMATE_BLESS").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "prompts/proposal.schema.json drifted from the Proposal types; \
             regenerate with SHIPMATE_BLESS=1 cargo test -p shipmate-plugins"
        );
    }

    #[test]
    fn proposal_serialises_in_contract_order() {
        let p = Proposal::new("rules", "x", Status::NeedsInput, "s");
        let v = serde_json::to_value(&p).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "backend",
                "request",
                "status",
                "summary",
                "manifests",
                "actions",
                "findings",
                "questions",
                "applied"
            ]
        );
        assert_eq!(v["status"], "needs_input");
        assert!(v["applied"].is_null());
    }
}
