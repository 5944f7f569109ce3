//! `resources-set` (requests and limits present) and `resources-within-budget` (no container
//! asks for more than the constitution's per-container budget).

use serde_json::Value;

use super::catalogue::Settings;
use super::pod_spec::RUN_CONTAINERS;
use super::quantity;
use super::run::{Obj, Sink};

fn default_for<'s>(s: &'s Settings, section: &str, resource: &str) -> &'s str {
    let amounts = if section == "requests" {
        &s.requests
    } else {
        &s.limits
    };
    if resource == "cpu" {
        &amounts.cpu
    } else {
        &amounts.memory
    }
}

pub(crate) fn check_set(
    obj: &Obj<'_>,
    requests: &[String],
    limits: &[String],
    s: &Settings,
    sink: &mut Sink<'_>,
) {
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(RUN_CONTAINERS) {
        let resources = c.value.get("resources");
        let mut missing = Vec::new();
        for (section, wanted) in [("requests", requests), ("limits", limits)] {
            for r in wanted {
                let present = resources
                    .and_then(|v| v.get(section))
                    .and_then(|v| v.get(r.as_str()))
                    .is_some_and(|v| !v.is_null());
                if !present {
                    missing.push((section, r.as_str()));
                }
            }
        }
        if missing.is_empty() {
            continue;
        }
        let path = c.path();
        let fields: Vec<String> = missing
            .iter()
            .map(|(sec, r)| format!("resources.{sec}.{r}"))
            .collect();
        let fixes: Vec<String> = missing
            .iter()
            .map(|(sec, r)| format!("{path}.resources.{sec}.{r}: {}", default_for(s, sec, r)))
            .collect();
        sink.emit(
            format!("{} has no {}", c.describe(), fields.join(", ")),
            format!("set {}", fixes.join(", ")),
        );
    }
}

pub(crate) fn check_budget(obj: &Obj<'_>, s: &Settings, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(RUN_CONTAINERS) {
        let Some(resources) = c.value.get("resources") else {
            continue;
        };
        for section in ["limits", "requests"] {
            for (resource, budget, budget_text) in [
                ("cpu", s.budget_cpu, &s.budget.cpu),
                ("memory", s.budget_memory, &s.budget.memory),
            ] {
                let Some(v) = resources.get(section).and_then(|r| r.get(resource)) else {
                    continue;
                };
                let shown = match v {
                    Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                match quantity::parse_value(v) {
                    Some(amount) if amount <= budget * (1.0 + 1e-9) => {}
                    Some(_) => sink.emit(
                        format!(
                            "{} asks for resources.{section}.{resource} {shown}, above the \
                             budget of {budget_text} per container",
                            c.describe()
                        ),
                        format!(
                            "set {}.resources.{section}.{resource} to at most {budget_text} (or \
                             raise resources.budget.{resource} in the constitution)",
                            c.path()
                        ),
                    ),
                    None => sink.emit(
                        format!(
                            "{} has resources.{section}.{resource} `{shown}`, which is not a \
                             Kubernetes quantity",
                            c.describe()
                        ),
                        format!(
                            "set {}.resources.{section}.{resource} to a quantity such as {}",
                            c.path(),
                            if resource == "cpu" { "500m" } else { "512Mi" }
                        ),
                    ),
                }
            }
        }
    }
}
