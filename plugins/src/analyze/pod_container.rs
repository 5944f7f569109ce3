//! One container of a pod: its waiting reason (configuration errors, image pulls, crash
//! loops), its last termination (OOM kills, non-zero exits) and its probes, each read into at
//! most one finding with the status fields, events and previous logs that show it.

use k8s_openapi::api::core::v1::{ContainerStateTerminated, ContainerStatus, Event, Pod};

use super::finding::{Evidence, Finding, ObjectRef, Severity};
use super::owners::Root;
use super::snapshot::ContainerRef;
use super::{Cx, Findings, docs, events, fix, pod_image};
use crate::proposal::Proposal;

/// One container being looked at.
pub struct ContainerCx<'c, 'a> {
    pub cx: &'c Cx<'a>,
    pub pod: &'c Pod,
    pub root: Option<&'c Root>,
    pub object: &'c ObjectRef,
    pub field: &'static str,
    pub status: &'c ContainerStatus,
    pub events: &'c [&'a Event],
}

impl ContainerCx<'_, '_> {
    fn source(&self, rest: &str) -> String {
        format!("status.{}[{}].{rest}", self.field, self.status.name)
    }

    /// Events about this container (by `fieldPath`), or about the pod as a whole.
    fn own_events(&self) -> Vec<&Event> {
        let needle = format!("{{{}}}", self.status.name);
        self.events
            .iter()
            .copied()
            .filter(|e| {
                e.involved_object
                    .field_path
                    .as_deref()
                    .is_none_or(|p| p.ends_with(&needle))
            })
            .collect()
    }

    /// The container's finding, if it has a problem.
    pub fn check(&self, out: &mut Findings) -> Option<Finding> {
        let state = self.status.state.as_ref();
        let waiting = state.and_then(|s| s.waiting.as_ref());
        let last = self
            .status
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref());
        let reason = waiting
            .and_then(|w| w.reason.as_deref())
            .unwrap_or_default();
        let message = waiting
            .and_then(|w| w.message.as_deref())
            .unwrap_or_default();
        match reason {
            "CreateContainerConfigError" | "CreateContainerError" => {
                return self.config_error(reason, message, out);
            }
            "ImagePullBackOff" | "ErrImagePull" | "InvalidImageName" | "ErrImageNeverPull" => {
                let own = self.own_events();
                return Some(pod_image::finding(
                    self.object,
                    self.pod,
                    &self.status.name,
                    reason,
                    message,
                    &own,
                    self.source("state.waiting"),
                ));
            }
            _ => {}
        }
        if let Some(t) = last.filter(|t| t.reason.as_deref() == Some("OOMKilled")) {
            return Some(self.oom_killed(t));
        }
        if reason == "CrashLoopBackOff" {
            return Some(self.crash_loop(last));
        }
        if let Some(f) = self.probes() {
            return Some(f);
        }
        let terminated = state.and_then(|s| s.terminated.as_ref());
        if let Some(t) = terminated.filter(|t| t.exit_code != 0 && !self.job_succeeded()) {
            return Some(self.exited(t, "state.terminated", Severity::Error));
        }
        // `Unknown`: the node or its runtime restarted, not the application.
        if let Some(t) = last.filter(|t| {
            t.exit_code != 0
                && self.status.restart_count > 0
                && !matches!(
                    t.reason.as_deref(),
                    Some("Unknown" | "ContainerStatusUnknown")
                )
        }) {
            return Some(self.exited(t, "lastState.terminated", Severity::Info));
        }
        None
    }

    /// Whether the pod belongs to a Job that completed anyway (a retried pod).
    fn job_succeeded(&self) -> bool {
        let Some(owner) = super::owners::controller(&self.pod.metadata).filter(|o| o.kind == "Job")
        else {
            return false;
        };
        let ns = self.object.namespace.as_deref().unwrap_or_default();
        self.cx
            .index
            .jobs
            .get(&(ns, owner.name.as_str()))
            .and_then(|j| j.status.as_ref()?.conditions.as_ref())
            .is_some_and(|c| {
                c.iter()
                    .any(|c| c.type_ == "Complete" && c.status == "True")
            })
    }

    fn config_error(&self, reason: &str, message: &str, out: &mut Findings) -> Option<Finding> {
        let missing = missing_config(message);
        let source = self.source("state.waiting");
        let quoted = format!("{reason}: {message}");
        // The missing reference was already reported on the workload (or the bare pod) by
        // the reference analyzer: add this pod's status there instead of repeating it.
        if let Some((kind, name, _)) = &missing {
            let ns = self.object.namespace.as_deref();
            let (owner_kind, owner_name) = match self.root {
                Some(r) => (r.kind.as_str(), r.name.as_str()),
                None => ("Pod", self.object.name.as_str()),
            };
            let needle = format!("{kind} {name}");
            if let Some(f) = out.find_mut(owner_kind, ns, owner_name, |f| {
                f.id.starts_with("ref.") && f.title.contains(&needle)
            }) {
                f.evidence.push(Evidence::new(
                    format!("pod {} {source}", self.object.name),
                    quoted,
                ));
                return None;
            }
        }
        let cause = match &missing {
            Some((kind, name, Some(key))) => format!(
                "The container cannot be created: it reads key {key} of {kind} {name}, which \
                 has no such key. Add the key, or fix the reference in the pod template."
            ),
            Some((kind, name, None)) => format!(
                "The container cannot be created: it references {kind} {name}, which does not \
                 exist in namespace {}. Create it, or fix the reference (or mark it optional).",
                self.object.namespace.as_deref().unwrap_or_default()
            ),
            None => "The kubelet cannot build the container from its spec (the message says \
                     which setting is wrong, for example a missing ConfigMap or Secret, or a \
                     securityContext the image cannot satisfy)."
                .to_owned(),
        };
        let docs = match &missing {
            Some(("Secret", _, _)) => docs::SECRET,
            Some(_) => docs::CONFIGMAP,
            None => docs::DEBUG_POD,
        };
        Some(
            Finding::new(
                "pod.config-error",
                Severity::Error,
                self.object.clone(),
                format!(
                    "Container {} of pod {} cannot be created ({reason})",
                    self.status.name, self.object.name
                ),
                cause,
                docs,
            )
            .evidence(source, quoted)
            .with_evidence(events::quoted(&self.own_events(), &["Failed"], 1)),
        )
    }

    fn terminated_text(t: &ContainerStateTerminated) -> String {
        let mut s = format!(
            "reason={} exitCode={}",
            t.reason.as_deref().unwrap_or("-"),
            t.exit_code
        );
        if let Some(sig) = t.signal {
            s.push_str(&format!(" signal={sig}"));
        }
        if let Some(at) = &t.finished_at {
            s.push_str(&format!(" finishedAt={}", at.0));
        }
        if let Some(m) = t.message.as_deref().filter(|m| !m.is_empty()) {
            s.push_str(&format!(" message={m:?}"));
        }
        s
    }

    fn logs(&self) -> Option<Evidence> {
        let key = ContainerRef {
            namespace: self.object.namespace.clone().unwrap_or_default(),
            pod: self.object.name.clone(),
            container: self.status.name.clone(),
        };
        let text = self.cx.snap.previous_logs.get(&key)?;
        (!text.trim().is_empty()).then(|| Evidence::new("logs (previous)", text.trim_end()))
    }

    fn crash_loop(&self, last: Option<&ContainerStateTerminated>) -> Finding {
        let own = self.own_events();
        let killed_by_probe = own.iter().any(|e| {
            events::reason(e) == "Killing" && events::message(e).contains("failed liveness probe")
                || events::message(e).starts_with("Liveness probe failed")
        });
        let restarts = self.status.restart_count;
        let (code, why) = match last {
            Some(t) => (
                format!(" with exit code {}", t.exit_code),
                exit_code_meaning(t.exit_code),
            ),
            None => (String::new(), ""),
        };
        let mut cause = format!(
            "The container keeps exiting{code} and the kubelet restarts it with a growing \
             back-off ({restarts} restarts so far). "
        );
        if killed_by_probe {
            cause.push_str(
                "Its liveness probe fails, so the kubelet kills it: either the application \
                 is unhealthy or the probe (path, port, initial delay, timeout) does not fit \
                 it. ",
            );
        } else {
            cause.push_str(why);
            cause.push_str(" The last lines of the previous instance's log usually say why.");
        }
        let mut f = Finding::new(
            "pod.crash-loop",
            Severity::Error,
            self.object.clone(),
            format!(
                "Container {} of pod {} is crash-looping",
                self.status.name, self.object.name
            ),
            cause.trim_end().to_owned(),
            if killed_by_probe {
                docs::PROBES
            } else {
                docs::POD_LIFECYCLE
            },
        );
        if let Some(t) = last {
            f = f.evidence(
                self.source("lastState.terminated"),
                Self::terminated_text(t),
            );
        }
        f.with_evidence(events::quoted(
            &own,
            &["BackOff", "Killing", "Unhealthy"],
            2,
        ))
        .with_evidence(self.logs())
    }

    fn oom_killed(&self, t: &ContainerStateTerminated) -> Finding {
        let limit = self.memory_limit();
        let limit_text = limit
            .as_ref()
            .map_or("no memory limit".to_owned(), |(q, _)| {
                format!("a memory limit of {q}")
            });
        let cause = format!(
            "The container used more memory than it may and the kernel killed it (OOMKilled, \
             exit code {}). It runs with {limit_text}. Raise the limit if the usage is \
             legitimate, or find the leak if it grows without bound.",
            t.exit_code
        );
        let fix = limit.and_then(|(q, bytes)| {
            let root = self.root?;
            let ns = self.object.namespace.as_deref()?;
            oom_fix(self.cx, ns, root, &self.status.name, &q, bytes)
        });
        Finding::new(
            "pod.oom-killed",
            Severity::Error,
            self.object.clone(),
            format!(
                "Container {} of pod {} was OOMKilled ({limit_text})",
                self.status.name, self.object.name
            ),
            cause,
            docs::MEMORY,
        )
        .evidence(
            self.source("lastState.terminated"),
            Self::terminated_text(t),
        )
        .evidence(
            self.source("restartCount"),
            self.status.restart_count.to_string(),
        )
        .with_evidence(self.logs())
        .with_fix(fix)
    }

    /// The container's memory limit in the pod spec, as written and in bytes.
    fn memory_limit(&self) -> Option<(String, f64)> {
        let spec = self.pod.spec.as_ref()?;
        let c = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .find(|c| c.name == self.status.name)?;
        let q = c.resources.as_ref()?.limits.as_ref()?.get("memory")?;
        let bytes = shipmate_manifests::gates::parse_quantity(&q.0)?;
        Some((q.0.clone(), bytes))
    }

    fn probes(&self) -> Option<Finding> {
        if self.events.is_empty() {
            return None; // most pods: nothing to read
        }
        let own = self.own_events();
        let failing = |kind: &str| {
            own.iter()
                .copied()
                .filter(|e| {
                    events::reason(e) == "Unhealthy" && events::message(e).starts_with(kind)
                })
                .collect::<Vec<&Event>>()
        };
        let running = self
            .status
            .state
            .as_ref()
            .and_then(|s| s.running.as_ref())
            .is_some();
        let liveness = failing("Liveness probe failed");
        let startup = failing("Startup probe failed");
        let readiness = failing("Readiness probe failed");
        let (id, kind, hits, cause) = if self.status.restart_count > 0 && !liveness.is_empty() {
            (
                "pod.liveness-probe",
                "liveness",
                liveness,
                "The liveness probe fails, so the kubelet restarts the container: either the \
                 application hangs, or the probe (path, port, timeout, initial delay) does not \
                 fit it — a slow start needs a startup probe, not a longer liveness delay.",
            )
        } else if self.status.restart_count > 0 && !startup.is_empty() {
            (
                "pod.startup-probe",
                "startup",
                startup,
                "The startup probe does not succeed within failureThreshold × periodSeconds, so \
                 the kubelet restarts the container before it has started: the application \
                 starts more slowly than the probe allows, or the probe checks the wrong path \
                 or port.",
            )
        } else if running && !self.status.ready && !readiness.is_empty() {
            (
                "pod.readiness-probe",
                "readiness",
                readiness,
                "The readiness probe fails, so the pod receives no Service traffic: the \
                 application is not ready (often a dependency such as a database is \
                 unreachable) or the probe checks the wrong path or port.",
            )
        } else {
            return None;
        };
        let mut f = Finding::new(
            id,
            Severity::Warning,
            self.object.clone(),
            format!(
                "The {kind} probe of container {} in pod {} fails",
                self.status.name, self.object.name
            ),
            cause,
            docs::PROBES,
        )
        .evidence(self.source("ready"), self.status.ready.to_string())
        .evidence(
            self.source("restartCount"),
            self.status.restart_count.to_string(),
        );
        let mut hits = hits;
        hits.sort_by_key(|e| std::cmp::Reverse(events::count(e)));
        f = f.with_evidence(hits.into_iter().take(2).map(events::evidence));
        Some(f)
    }

    fn exited(&self, t: &ContainerStateTerminated, at: &str, severity: Severity) -> Finding {
        let restarted = at.starts_with("last");
        let title = if restarted {
            format!(
                "Container {} of pod {} restarted {} time{} (last exit code {})",
                self.status.name,
                self.object.name,
                self.status.restart_count,
                if self.status.restart_count == 1 {
                    ""
                } else {
                    "s"
                },
                t.exit_code
            )
        } else {
            format!(
                "Container {} of pod {} exited with code {}",
                self.status.name, self.object.name, t.exit_code
            )
        };
        let mut cause = exit_code_meaning(t.exit_code).to_owned();
        if restarted {
            cause.push_str(" It runs again now; the previous instance's log says why it stopped.");
        }
        Finding::new(
            "pod.terminated",
            severity,
            self.object.clone(),
            title,
            cause,
            docs::POD_LIFECYCLE,
        )
        .evidence(self.source(at), Self::terminated_text(t))
        .with_evidence(self.logs())
    }
}

/// What an exit code usually means.
fn exit_code_meaning(code: i32) -> &'static str {
    match code {
        0 => {
            "The process exits successfully, but the pod wants it to keep running: the \
              command finishes instead of serving (a wrong command or args, or a batch image \
              that belongs in a Job)."
        }
        1 => {
            "Exit code 1 is the application's own error exit: it failed at startup (bad \
              configuration, a missing dependency, an unhandled exception)."
        }
        2 => "Exit code 2 usually means a wrong command-line usage (bad args or flags).",
        126 => {
            "Exit code 126: the command exists but cannot be executed (permissions, or a \
                binary for another CPU architecture)."
        }
        127 => {
            "Exit code 127: the command was not found in the image (check command/args \
                and the image's PATH)."
        }
        137 => {
            "Exit code 137: the process was killed with SIGKILL (out of memory, a failed \
                liveness probe, or a kill from outside)."
        }
        139 => "Exit code 139: the process crashed with a segmentation fault.",
        143 => "Exit code 143: the process was stopped with SIGTERM and exited.",
        c if c > 128 => {
            "An exit code above 128 means the process was killed by a signal \
                         (the code minus 128)."
        }
        _ => "The process exited with an error.",
    }
}

/// The missing ConfigMap/Secret (kind, name, key) a kubelet message names.
pub fn missing_config(message: &str) -> Option<(&'static str, String, Option<String>)> {
    // `couldn't find key DB_HOST in ConfigMap shop/app-config`
    if let Some(rest) = message.split("couldn't find key ").nth(1) {
        let mut words = rest.split_whitespace();
        let key = words.next()?.to_owned();
        let _in = words.next()?;
        let kind = match words.next()? {
            "ConfigMap" => "ConfigMap",
            "Secret" => "Secret",
            _ => return None,
        };
        let target = words.next()?.trim_end_matches(['.', ',']);
        let name = target.rsplit('/').next()?.to_owned();
        return Some((kind, name, Some(key)));
    }
    // `configmap "app-config" not found`, `secret "db" not found`
    for (word, kind) in [("configmap \"", "ConfigMap"), ("secret \"", "Secret")] {
        let lower = message.to_ascii_lowercase();
        if let Some(at) = lower.find(word) {
            let rest = &message[at + word.len()..];
            let name = rest.split('"').next()?.to_owned();
            if rest[name.len()..].starts_with("\" not found") {
                return Some((kind, name, None));
            }
        }
    }
    None
}

/// Raises the memory limit of `container` on the workload that owns the pod.
fn oom_fix(
    cx: &Cx,
    ns: &str,
    root: &Root,
    container: &str,
    old: &str,
    bytes: f64,
) -> Option<Proposal> {
    let mut manifest = fix::workload_manifest(cx, ns, &root.kind, &root.name)?;
    let grown = fix::grown_memory(bytes);
    let c = fix::container_mut(&mut manifest, container)?;
    // A request equal to the limit (Guaranteed QoS) grows with it.
    let request = c["resources"]["requests"]["memory"]
        .as_str()
        .map(str::to_owned);
    let same_request =
        request.and_then(|r| shipmate_manifests::gates::parse_quantity(&r)) == Some(bytes);
    fix::set_resource(c, "limits", "memory", &grown);
    if same_request {
        fix::set_resource(c, "requests", "memory", &grown);
    }
    Some(fix::proposal(
        format!(
            "raise the memory limit of {} {} container {container}",
            root.kind, root.name
        ),
        format!(
            "Raise the memory limit of container {container} in {} {} from {old} to {grown}{}: \
             it was OOMKilled at {old}, and the change rolls out through the {} so every \
             replica gets it",
            root.kind,
            root.name,
            if same_request {
                " (request too, keeping Guaranteed QoS)"
            } else {
                ""
            },
            root.kind
        ),
        vec![manifest],
    ))
}
