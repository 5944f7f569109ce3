//! `describe`: what matters when something is wrong — an object's state (conditions,
//! container states, restart counts, last termination, replicas) and its events.

use std::fmt::Write;

use serde_json::Value;

use super::columns::pod_status;
use super::get::byte_size;
use super::table::{age, int, text};
use super::{ClusterReader, ToolError};

impl ClusterReader<'_> {
    /// The key state of `kind`/`name` (pods: status, node, conditions, and per container its
    /// state, last termination, readiness, restarts, requests and limits; workloads: replicas,
    /// images, conditions; nodes: conditions, taints, allocatable; Secrets: keys and sizes
    /// only), followed by its events.
    ///
    /// # Errors
    /// An unknown kind, a missing object (naming those that exist), or a cluster failure.
    pub async fn describe(
        &self,
        kind: &str,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<String, ToolError> {
        let (kind, o) = self.fetch_clean(kind, name, namespace).await?;
        let m = &o["metadata"];
        let mut out = String::new();
        line(&mut out, "Name", &text(&m["name"]));
        if !m["namespace"].is_null() {
            line(&mut out, "Namespace", &text(&m["namespace"]));
        }
        let api = &kind.resource.api_resource;
        line(
            &mut out,
            "Kind",
            &format!("{} ({})", api.kind, api.api_version),
        );
        line(&mut out, "Labels", &pairs(&m["labels"], "="));
        line(&mut out, "Age", &age(&m["creationTimestamp"]));
        if !m["deletionTimestamp"].is_null() {
            line(
                &mut out,
                "Deleting",
                &format!("since {} ago", age(&m["deletionTimestamp"])),
            );
        }
        match (api.group.as_str(), api.kind.as_str()) {
            ("", "Pod") => pod(&mut out, &o),
            ("", "Node") => node(&mut out, &o),
            ("", "Secret" | "ConfigMap") => data_keys(&mut out, &o, kind.is_secret()),
            _ => other(&mut out, &o),
        }
        let ns = m["namespace"].as_str();
        let events = self
            .event_table(ns, None, Some((&api.kind, &text(&m["name"]))))
            .await?;
        out.push_str("Events:\n");
        for l in events.lines() {
            let _ = writeln!(out, "  {l}");
        }
        Ok(self.capped(out, "ask for the events or logs separately"))
    }
}

fn line(out: &mut String, label: &str, value: &str) {
    let value = if value.is_empty() { "<none>" } else { value };
    let _ = writeln!(out, "{:<12}{value}", format!("{label}:"));
}

/// `a=1, b=2` from a string map.
fn pairs(map: &Value, sep: &str) -> String {
    let entries = map.as_object().into_iter().flatten();
    entries
        .map(|(k, v)| format!("{k}{sep}{}", text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Ready=False (ContainersNotReady: containers with unready status: [app])`.
fn conditions(out: &mut String, status: &Value) {
    let Some(list) = status["conditions"].as_array() else {
        return;
    };
    out.push_str("Conditions:\n");
    for c in list {
        let mut s = format!("  {}={}", text(&c["type"]), text(&c["status"]));
        let (reason, message) = (text(&c["reason"]), text(&c["message"]));
        if !reason.is_empty() || !message.is_empty() {
            let sep = if reason.is_empty() || message.is_empty() {
                ""
            } else {
                ": "
            };
            let _ = write!(s, " ({reason}{sep}{message})");
        }
        let _ = writeln!(out, "{s}");
    }
}

fn pod(out: &mut String, o: &Value) {
    let status = &o["status"];
    line(
        out,
        "Status",
        &format!("{} (phase {})", pod_status(o), text(&status["phase"])),
    );
    line(out, "Node", &text(&o["spec"]["nodeName"]));
    let message = text(&status["message"]);
    if !message.is_empty() {
        line(out, "Message", &message);
    }
    conditions(out, status);
    for (spec_key, status_key, title) in [
        ("initContainers", "initContainerStatuses", "Init containers"),
        ("containers", "containerStatuses", "Containers"),
    ] {
        let Some(specs) = o["spec"][spec_key].as_array() else {
            continue;
        };
        let _ = writeln!(out, "{title}:");
        for spec in specs {
            let name = text(&spec["name"]);
            let st = status[status_key]
                .as_array()
                .into_iter()
                .flatten()
                .find(|s| text(&s["name"]) == name);
            let _ = writeln!(out, "  {name} ({}):", text(&spec["image"]));
            let Some(st) = st else {
                out.push_str("    State:      not started\n");
                continue;
            };
            let _ = writeln!(out, "    State:      {}", state(&st["state"]));
            if st["lastState"].as_object().is_some_and(|s| !s.is_empty()) {
                let _ = writeln!(out, "    Last State: {}", state(&st["lastState"]));
            }
            let _ = writeln!(
                out,
                "    Ready:      {}  Restarts: {}",
                st["ready"] == true,
                int(&st["restartCount"])
            );
            for (key, label) in [("requests", "Requests"), ("limits", "Limits")] {
                let resources = pairs(&spec["resources"][key], "=");
                if !resources.is_empty() {
                    let _ = writeln!(out, "    {label:<11} {resources}");
                }
            }
        }
    }
}

/// `Waiting: CrashLoopBackOff (back-off 5m0s …)`, `Terminated: OOMKilled, exit code 137, 2m ago`.
fn state(s: &Value) -> String {
    if let Some(w) = s.get("waiting") {
        let message = text(&w["message"]);
        let message = if message.is_empty() {
            message
        } else {
            format!(" ({message})")
        };
        return format!("Waiting: {}{message}", text(&w["reason"]));
    }
    if let Some(t) = s.get("terminated") {
        let mut out = format!(
            "Terminated: {}, exit code {}",
            text(&t["reason"]),
            int(&t["exitCode"])
        );
        if !t["finishedAt"].is_null() {
            let _ = write!(out, ", {} ago", age(&t["finishedAt"]));
        }
        let message = text(&t["message"]);
        if !message.is_empty() {
            let _ = write!(out, " ({message})");
        }
        return out;
    }
    if let Some(r) = s.get("running") {
        return format!("Running since {} ago", age(&r["startedAt"]));
    }
    "unknown".into()
}

fn node(out: &mut String, o: &Value) {
    line(
        out,
        "Unschedulable",
        &(o["spec"]["unschedulable"] == true).to_string(),
    );
    let taints = o["spec"]["taints"].as_array().into_iter().flatten();
    let taints: Vec<String> = taints
        .map(|t| {
            format!(
                "{}={}:{}",
                text(&t["key"]),
                text(&t["value"]),
                text(&t["effect"])
            )
        })
        .collect();
    line(out, "Taints", &taints.join(", "));
    line(out, "Allocatable", &pairs(&o["status"]["allocatable"], "="));
    line(
        out,
        "Version",
        &text(&o["status"]["nodeInfo"]["kubeletVersion"]),
    );
    conditions(out, &o["status"]);
}

/// Keys and sizes; for a Secret the values were replaced by their sizes already.
fn data_keys(out: &mut String, o: &Value, secret: bool) {
    if secret {
        line(out, "Type", &text(&o["type"]));
    }
    out.push_str("Data:\n");
    for field in ["data", "binaryData", "stringData"] {
        for (k, v) in o[field].as_object().into_iter().flatten() {
            // A Secret's values were replaced by `<withheld: N bytes>` already.
            let size = match secret {
                true => text(v),
                false => format!("{} bytes", byte_size(v, field == "binaryData")),
            };
            let _ = writeln!(out, "  {k}: {size}");
        }
    }
}

/// Workloads' replicas and images, and any kind's conditions (or its status as YAML).
fn other(out: &mut String, o: &Value) {
    let (spec, status) = (&o["spec"], &o["status"]);
    if !spec["replicas"].is_null() || !status["replicas"].is_null() {
        let counts = [
            "updatedReplicas",
            "readyReplicas",
            "availableReplicas",
            "unavailableReplicas",
        ]
        .map(|k| format!("{} {}", int(&status[k]), k.trim_end_matches("Replicas")));
        line(
            out,
            "Replicas",
            &format!("{} desired, {}", int(&spec["replicas"]), counts.join(", ")),
        );
    }
    let pod_spec = &spec["template"]["spec"];
    let pod_spec = if pod_spec.is_null() {
        &spec["jobTemplate"]["spec"]["template"]["spec"]
    } else {
        pod_spec
    };
    if let Some(containers) = pod_spec["containers"].as_array() {
        let images: Vec<String> = containers
            .iter()
            .map(|c| format!("{}={}", text(&c["name"]), text(&c["image"])))
            .collect();
        line(out, "Images", &images.join(", "));
    }
    if status["conditions"].is_array() {
        conditions(out, status);
    } else if status.as_object().is_some_and(|s| !s.is_empty()) {
        let yaml = serde_saphyr::to_string(status).unwrap_or_default();
        out.push_str("Status:\n");
        for l in yaml.lines() {
            let _ = writeln!(out, "  {l}");
        }
    }
}
