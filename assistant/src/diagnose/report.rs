//! The report of one diagnosis, as `shipmate diagnose --output json` prints it. The shape is
//! documented in the README and `prompts/diagnose.schema.json` and is stable: fields are only
//! ever added (and `version` says which shape a reader gets).

use schemars::JsonSchema;
use serde::Serialize;
use shipmate_plugins::analyze::{Finding, Severity};

use super::Skipped;

/// The version of the report's shape.
pub const VERSION: u32 = 1;

/// One diagnosis.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report {
    /// The shape's version (1).
    pub version: u32,
    /// What was diagnosed.
    pub scope: ReportScope,
    /// Where.
    pub cluster: ClusterInfo,
    /// Findings per severity.
    pub summary: Summary,
    /// The findings, most severe first (then by namespace, kind, name).
    pub findings: Vec<Finding>,
    /// Kinds that could not be listed, and why; their analyzers stayed quiet.
    pub skipped: Vec<SkippedKind>,
}

/// What a diagnosis covered.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq, Eq)]
pub struct ReportScope {
    /// The namespace; `null` with `-A` (every namespace).
    pub namespace: Option<String>,
    /// `Kind/name` when one object was diagnosed; `null` otherwise.
    pub object: Option<String>,
}

/// The cluster a diagnosis read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClusterInfo {
    /// The API server URL.
    pub server: String,
    /// The kubeconfig context; `null` in-cluster.
    pub context: Option<String>,
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, Serialize, JsonSchema, PartialEq, Eq)]
pub struct Summary {
    /// Something is down.
    pub critical: usize,
    /// Broken, will not heal by itself.
    pub error: usize,
    /// Degraded or at risk.
    pub warning: usize,
    /// Worth knowing.
    pub info: usize,
}

/// A kind that was not listed.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq, Eq)]
pub struct SkippedKind {
    /// The resource (`secrets`).
    pub kind: String,
    /// Why (`forbidden (403): …`).
    pub reason: String,
}

impl From<Skipped> for SkippedKind {
    fn from(s: Skipped) -> Self {
        SkippedKind {
            kind: s.kind,
            reason: s.reason,
        }
    }
}

impl Summary {
    /// Counts `findings` by severity.
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Critical => s.critical += 1,
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
            }
        }
        s
    }

    /// Findings of severity warning or worse: what the exit code reports.
    pub fn problems(&self) -> usize {
        self.critical + self.error + self.warning
    }
}

impl Report {
    /// A report of `findings` (already in report order).
    pub fn new(
        scope: ReportScope,
        cluster: ClusterInfo,
        findings: Vec<Finding>,
        skipped: Vec<Skipped>,
    ) -> Report {
        Report {
            version: VERSION,
            scope,
            cluster,
            summary: Summary::of(&findings),
            findings,
            skipped: skipped.into_iter().map(SkippedKind::from).collect(),
        }
    }
}

/// The JSON schema of [`Report`], as checked in at `prompts/diagnose.schema.json`.
#[cfg(test)]
fn schema_json() -> String {
    let schema = schemars::schema_for!(Report);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use shipmate_plugins::analyze::ObjectRef;

    use super::*;

    fn finding(severity: Severity) -> Finding {
        Finding::new(
            "pod.crash-loop",
            severity,
            ObjectRef::namespaced("Pod", "shop", "api-0"),
            "t",
            "c",
            "https://kubernetes.io/",
        )
    }

    #[test]
    fn summary_counts_by_severity_and_info_is_no_problem() {
        let s = Summary::of(&[
            finding(Severity::Critical),
            finding(Severity::Warning),
            finding(Severity::Warning),
            finding(Severity::Info),
        ]);
        assert_eq!((s.critical, s.error, s.warning, s.info), (1, 0, 2, 1));
        assert_eq!(s.problems(), 3);
        assert_eq!(Summary::of(&[finding(Severity::Info)]).problems(), 0);
    }

    #[test]
    fn the_checked_in_schema_is_current() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../prompts/diagnose.schema.json"
        );
        let generated = schema_json();
        if std::env::var_os("SHIPMATE_BLESS").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "prompts/diagnose.schema.json drifted from the report types; \
             regenerate with SHIPMATE_BLESS=1 cargo test -p shipmate --bin shipmate checked_in_schema"
        );
    }
}
