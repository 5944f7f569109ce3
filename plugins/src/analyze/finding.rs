//! What an analyzer reports: a [`Finding`] about one object, with the quoted [`Evidence`] it
//! rests on, the cause in plain words, a documentation link and, where the fix is clear, a
//! [`Proposal`] that goes through the normal pipeline.
//!
//! The JSON form of these types is a documented, stable shape (`shipmate diagnose --output
//! json`): fields are only ever added, never renamed or removed.

use std::cmp::Ordering;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::proposal::Proposal;

/// How bad a finding is. Orders most severe first (`Critical < Error < Warning < Info`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something is down: a workload with no available replica, a Service with no endpoint, a
    /// node that is not ready.
    Critical,
    /// Something is broken and will not heal by itself (crash loops, image pulls, missing
    /// references, failed jobs).
    Error,
    /// Degraded or at risk (partial unavailability, failing probes, pressure, tight budgets).
    Warning,
    /// Worth knowing, not necessarily wrong (a suspended CronJob, past restarts).
    Info,
}

impl Severity {
    /// The lowercase spelling used in JSON and on the terminal.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The object a finding is about.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct ObjectRef {
    /// The kind (`Pod`, `Deployment`, `Node`…).
    pub kind: String,
    /// The namespace; `null` for cluster-scoped objects (nodes).
    pub namespace: Option<String>,
    /// The object's name.
    pub name: String,
}

impl ObjectRef {
    /// A reference to a namespaced object.
    pub fn namespaced(kind: &str, namespace: &str, name: &str) -> ObjectRef {
        ObjectRef {
            kind: kind.to_owned(),
            namespace: Some(namespace.to_owned()),
            name: name.to_owned(),
        }
    }

    /// A reference to a cluster-scoped object.
    pub fn cluster(kind: &str, name: &str) -> ObjectRef {
        ObjectRef {
            kind: kind.to_owned(),
            namespace: None,
            name: name.to_owned(),
        }
    }
}

impl std::fmt::Display for ObjectRef {
    /// `Kind/name` (with `ns/` in front for namespaced objects).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", ns, self.kind, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// One quoted fact a finding rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// Where it was read: a status field (`status.containerStatuses[api].lastState.terminated`),
    /// an event (`event Warning BackOff (x12)`) or `logs (previous)`.
    pub source: String,
    /// What it says, quoted (capped at [`MAX_EVIDENCE_CHARS`] characters).
    pub text: String,
}

/// Longest evidence text kept (logs are tail-capped by the collector before they get here).
pub const MAX_EVIDENCE_CHARS: usize = 2000;

impl Evidence {
    /// Evidence from `source` quoting `text` (capped).
    pub fn new(source: impl Into<String>, text: impl Into<String>) -> Evidence {
        let mut text: String = text.into();
        if text.chars().count() > MAX_EVIDENCE_CHARS {
            text = text.chars().take(MAX_EVIDENCE_CHARS).collect();
            text.push('…');
        }
        Evidence {
            source: source.into(),
            text,
        }
    }
}

/// One problem found in the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The analyzer's stable id (`pod.crash-loop`, `service.no-endpoints`…).
    pub id: String,
    /// How bad it is.
    pub severity: Severity,
    /// The object it is about.
    pub object: ObjectRef,
    /// One line saying what is wrong.
    pub title: String,
    /// The likely cause, in plain words.
    pub cause: String,
    /// The quoted status fields, events and log lines it rests on.
    pub evidence: Vec<Evidence>,
    /// The relevant page of the Kubernetes documentation.
    pub docs: String,
    /// A proposal that fixes it, when the fix is clear; it goes through the normal pipeline
    /// (schema, gates, dry-run, diff, confirmation, audit, undo).
    pub fix: Option<Proposal>,
}

impl Finding {
    /// A finding without evidence or fix (add them with [`Finding::evidence`] and
    /// [`Finding::with_fix`]).
    pub fn new(
        id: &str,
        severity: Severity,
        object: ObjectRef,
        title: impl Into<String>,
        cause: impl Into<String>,
        docs: &str,
    ) -> Finding {
        Finding {
            id: id.to_owned(),
            severity,
            object,
            title: title.into(),
            cause: cause.into(),
            evidence: Vec::new(),
            docs: docs.to_owned(),
            fix: None,
        }
    }

    /// Adds one piece of evidence.
    #[must_use]
    pub fn evidence(mut self, source: impl Into<String>, text: impl Into<String>) -> Finding {
        self.evidence.push(Evidence::new(source, text));
        self
    }

    /// Adds evidence already built.
    #[must_use]
    pub fn with_evidence(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Finding {
        self.evidence.extend(evidence);
        self
    }

    /// Attaches a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Option<Proposal>) -> Finding {
        self.fix = fix;
        self
    }

    /// The report order: severity, then namespace (cluster-scoped first), kind, name, id.
    pub fn report_order(a: &Finding, b: &Finding) -> Ordering {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.object.namespace.cmp(&b.object.namespace))
            .then_with(|| a.object.kind.cmp(&b.object.kind))
            .then_with(|| a.object.name.cmp(&b.object.name))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.title.cmp(&b.title))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_most_severe_first_and_serialises_lowercase() {
        let mut s = vec![
            Severity::Info,
            Severity::Critical,
            Severity::Warning,
            Severity::Error,
        ];
        s.sort();
        assert_eq!(
            s,
            [
                Severity::Critical,
                Severity::Error,
                Severity::Warning,
                Severity::Info
            ]
        );
        assert_eq!(
            serde_json::to_value(Severity::Critical).unwrap(),
            "critical"
        );
    }

    #[test]
    fn finding_serialises_in_the_documented_shape() {
        let f = Finding::new(
            "pod.crash-loop",
            Severity::Error,
            ObjectRef::namespaced("Pod", "shop", "api-0"),
            "t",
            "c",
            "https://kubernetes.io/",
        )
        .evidence("logs (previous)", "x".repeat(MAX_EVIDENCE_CHARS + 10));
        let v = serde_json::to_value(&f).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id", "severity", "object", "title", "cause", "evidence", "docs", "fix"
            ]
        );
        assert_eq!(v["object"]["namespace"], "shop");
        assert!(v["fix"].is_null());
        assert_eq!(
            v["evidence"][0]["text"].as_str().unwrap().chars().count(),
            MAX_EVIDENCE_CHARS + 1
        );
    }
}
