//! HorizontalPodAutoscalers and PodDisruptionBudgets.

use serde_json::{Value, json};

use super::meta::{Labels, object, object_meta};

/// A HorizontalPodAutoscaler (`autoscaling/v2`) to build.
#[derive(Debug, Clone)]
pub struct HpaSpec {
    /// `metadata.name` (conventionally the target's name).
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// Kind of the scaled workload (`Deployment`).
    pub target_kind: String,
    /// Name of the scaled workload.
    pub target_name: String,
    /// Fewest replicas.
    pub min: u32,
    /// Most replicas.
    pub max: u32,
    /// Target average CPU utilisation in percent.
    pub cpu_percent: Option<u32>,
    /// Target average memory utilisation in percent.
    pub memory_percent: Option<u32>,
}

impl HpaSpec {
    /// Builds the object (CPU 80% when no metric was named).
    pub fn build(&self) -> Value {
        let meta = object_meta(&self.name, self.namespace.as_deref(), &Labels::new());
        let mut obj = object("autoscaling/v2", "HorizontalPodAutoscaler", meta);
        let metric = |name: &str, pct: u32| {
            json!({ "type": "Resource", "resource": { "name": name,
                    "target": { "type": "Utilization", "averageUtilization": pct } } })
        };
        let mut metrics = Vec::new();
        if let Some(pct) = self.cpu_percent.or(if self.memory_percent.is_none() {
            Some(80)
        } else {
            None
        }) {
            metrics.push(metric("cpu", pct));
        }
        if let Some(pct) = self.memory_percent {
            metrics.push(metric("memory", pct));
        }
        let api_version = match self.target_kind.as_str() {
            "Deployment" | "StatefulSet" | "ReplicaSet" => "apps/v1",
            _ => "v1",
        };
        obj.insert(
            "spec".into(),
            json!({
                "scaleTargetRef": { "apiVersion": api_version, "kind": self.target_kind,
                                    "name": self.target_name },
                "minReplicas": self.min.max(1),
                "maxReplicas": self.max.max(self.min).max(1),
                "metrics": metrics,
            }),
        );
        Value::Object(obj)
    }
}

/// How many pods a PodDisruptionBudget keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisruptionBudget {
    /// `minAvailable` (a count or a percentage such as `50%`).
    MinAvailable(String),
    /// `maxUnavailable` (a count or a percentage).
    MaxUnavailable(String),
}

impl std::fmt::Display for DisruptionBudget {
    /// `minAvailable 2`, `maxUnavailable 25%`: the field and its value, as a person reads it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DisruptionBudget::MinAvailable(v) => write!(f, "minAvailable {v}"),
            DisruptionBudget::MaxUnavailable(v) => write!(f, "maxUnavailable {v}"),
        }
    }
}

/// A PodDisruptionBudget to build.
#[derive(Debug, Clone)]
pub struct PdbSpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// Pods it protects.
    pub selector: Labels,
    /// The budget.
    pub budget: DisruptionBudget,
}

impl PdbSpec {
    /// Builds the object.
    pub fn build(&self) -> Value {
        let meta = object_meta(&self.name, self.namespace.as_deref(), &Labels::new());
        let mut obj = object("policy/v1", "PodDisruptionBudget", meta);
        let (key, value) = match &self.budget {
            DisruptionBudget::MinAvailable(v) => ("minAvailable", v),
            DisruptionBudget::MaxUnavailable(v) => ("maxUnavailable", v),
        };
        let value = match value.parse::<u32>() {
            Ok(n) => json!(n),
            Err(_) => json!(value),
        };
        obj.insert(
            "spec".into(),
            json!({ key: value, "selector": { "matchLabels": self.selector } }),
        );
        Value::Object(obj)
    }
}
