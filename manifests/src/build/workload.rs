//! Workloads: Deployment, StatefulSet, DaemonSet, Job, CronJob and bare Pods, all built around
//! one pod template so that labels, selectors, ports and probes agree.

use serde_json::{Map, Value, json};

use super::meta::{Labels, object, object_labels, object_meta, selector_labels};
use super::resources::{ResourceDefaults, Resources};

/// The kind of workload to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    /// `apps/v1` Deployment.
    Deployment,
    /// `apps/v1` StatefulSet (with a headless Service of the same name expected).
    StatefulSet,
    /// `apps/v1` DaemonSet.
    DaemonSet,
    /// `batch/v1` Job.
    Job,
    /// `batch/v1` CronJob (needs a schedule).
    CronJob,
    /// `v1` Pod.
    Pod,
}

impl WorkloadKind {
    /// The Kubernetes kind.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Deployment => "Deployment",
            Self::StatefulSet => "StatefulSet",
            Self::DaemonSet => "DaemonSet",
            Self::Job => "Job",
            Self::CronJob => "CronJob",
            Self::Pod => "Pod",
        }
    }

    fn api_version(self) -> &'static str {
        match self {
            Self::Deployment | Self::StatefulSet | Self::DaemonSet => "apps/v1",
            Self::Job | Self::CronJob => "batch/v1",
            Self::Pod => "v1",
        }
    }

    /// True for workloads that run until stopped (they get probes and can be exposed).
    pub fn long_running(self) -> bool {
        !matches!(self, Self::Job | Self::CronJob)
    }
}

/// The one container of a generated workload.
#[derive(Debug, Clone, Default)]
pub struct ContainerSpec {
    /// Image reference.
    pub image: String,
    /// Ports the container listens on.
    pub ports: Vec<u16>,
    /// Literal environment variables.
    pub env: Vec<(String, String)>,
    /// Requests/limits asked for.
    pub resources: Resources,
    /// HTTP health path (`/healthz`): probes use it when there is a port.
    pub health_path: Option<String>,
    /// Command (entrypoint override).
    pub command: Vec<String>,
    /// Run privileged (only when explicitly asked; the gates block it).
    pub privileged: bool,
}

/// A persistent volume claimed per replica of a StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeClaim {
    /// Size (`10Gi`).
    pub size: String,
    /// Where it is mounted.
    pub mount_path: String,
    /// Storage class, if not the default.
    pub storage_class: Option<String>,
}

/// A workload to build.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Which kind.
    pub kind: WorkloadKind,
    /// `metadata.name` (also the container name and the selector value).
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// Extra labels for the object and its pods.
    pub labels: Labels,
    /// Replicas (Deployment, StatefulSet).
    pub replicas: Option<u32>,
    /// The container.
    pub container: ContainerSpec,
    /// Cron schedule (CronJob).
    pub schedule: Option<String>,
    /// Share the node's network namespace (only when asked; the gates block it).
    pub host_network: bool,
    /// Share the node's PID namespace (only when asked; the gates block it).
    pub host_pid: bool,
    /// A node directory mounted at the same path (only when asked; the gates block it).
    pub host_path: Option<String>,
    /// Per-replica volume (StatefulSet).
    pub volume: Option<VolumeClaim>,
    /// Resource defaults for what the request leaves open.
    pub defaults: ResourceDefaults,
}

impl Workload {
    /// A workload of `kind` called `name` running `image`, with defaults for everything else.
    pub fn new(kind: WorkloadKind, name: &str, image: &str) -> Self {
        Self {
            kind,
            name: name.to_owned(),
            namespace: None,
            labels: Labels::new(),
            replicas: None,
            container: ContainerSpec {
                image: image.to_owned(),
                ..ContainerSpec::default()
            },
            schedule: None,
            host_network: false,
            host_pid: false,
            host_path: None,
            volume: None,
            defaults: ResourceDefaults::default(),
        }
    }

    /// The labels its pods carry; a Service selecting `selector` finds them.
    pub fn selector(&self) -> Labels {
        selector_labels(&self.name)
    }

    /// Builds the object.
    pub fn build(&self) -> Value {
        let labels = object_labels(&self.name, &self.labels);
        let meta = object_meta(&self.name, self.namespace.as_deref(), &labels);
        let mut obj = object(self.kind.api_version(), self.kind.kind(), meta);
        let pod_spec = self.pod_spec();
        let template = json!({ "metadata": { "labels": labels }, "spec": pod_spec });
        let selector = json!({ "matchLabels": self.selector() });
        let spec = match self.kind {
            WorkloadKind::Pod => pod_spec,
            WorkloadKind::Deployment => json!({
                "replicas": self.replicas.unwrap_or(1),
                "revisionHistoryLimit": 5,
                "selector": selector,
                "strategy": { "type": "RollingUpdate",
                              "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": 0 } },
                "template": template,
            }),
            WorkloadKind::StatefulSet => {
                let mut spec = json!({
                    "serviceName": self.name,
                    "replicas": self.replicas.unwrap_or(1),
                    "selector": selector,
                    "template": template,
                });
                if let Some(v) = &self.volume {
                    spec["volumeClaimTemplates"] = json!([claim_template(v)]);
                }
                spec
            }
            WorkloadKind::DaemonSet => json!({
                "selector": selector,
                "updateStrategy": { "type": "RollingUpdate" },
                "template": template,
            }),
            WorkloadKind::Job => job_spec(template),
            WorkloadKind::CronJob => json!({
                "schedule": self.schedule.clone().unwrap_or_else(|| "0 0 * * *".into()),
                "concurrencyPolicy": "Forbid",
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 1,
                "jobTemplate": { "spec": job_spec(template) },
            }),
        };
        obj.insert("spec".into(), spec);
        Value::Object(obj)
    }

    fn pod_spec(&self) -> Value {
        let mut spec = Map::new();
        if !self.kind.long_running() {
            spec.insert("restartPolicy".into(), json!("OnFailure"));
        }
        if self.host_network {
            spec.insert("hostNetwork".into(), json!(true));
        }
        if self.host_pid {
            spec.insert("hostPID".into(), json!(true));
        }
        spec.insert(
            "securityContext".into(),
            json!({ "seccompProfile": { "type": "RuntimeDefault" } }),
        );
        spec.insert("containers".into(), json!([self.container_json()]));
        if let Some(path) = &self.host_path {
            spec.insert(
                "volumes".into(),
                json!([{ "name": "host", "hostPath": { "path": path } }]),
            );
        }
        Value::Object(spec)
    }

    fn container_json(&self) -> Value {
        let c = &self.container;
        let mut out = Map::new();
        out.insert("name".into(), json!(container_name(&self.name)));
        out.insert("image".into(), json!(c.image));
        if !c.command.is_empty() {
            out.insert("command".into(), json!(c.command));
        }
        if !c.ports.is_empty() {
            let ports: Vec<Value> = c
                .ports
                .iter()
                .map(|p| json!({ "containerPort": p, "protocol": "TCP" }))
                .collect();
            out.insert("ports".into(), json!(ports));
        }
        if !c.env.is_empty() {
            let env: Vec<Value> = c
                .env
                .iter()
                .map(|(k, v)| json!({ "name": k, "value": v }))
                .collect();
            out.insert("env".into(), json!(env));
        }
        out.insert("resources".into(), c.resources.to_json(&self.defaults));
        if self.kind.long_running()
            && let Some(port) = c.ports.first()
        {
            let handler = match &c.health_path {
                Some(path) => json!({ "httpGet": { "path": path, "port": port } }),
                None => json!({ "tcpSocket": { "port": port } }),
            };
            out.insert("readinessProbe".into(), probe(&handler, 5, 5));
            out.insert("livenessProbe".into(), probe(&handler, 15, 10));
        }
        let security = if c.privileged {
            json!({ "privileged": true })
        } else {
            json!({ "allowPrivilegeEscalation": false })
        };
        out.insert("securityContext".into(), security);
        let mut mounts = Vec::new();
        if let Some(v) = &self.volume {
            mounts.push(json!({ "name": "data", "mountPath": v.mount_path }));
        }
        if let Some(path) = &self.host_path {
            mounts.push(json!({ "name": "host", "mountPath": path }));
        }
        if !mounts.is_empty() {
            out.insert("volumeMounts".into(), json!(mounts));
        }
        Value::Object(out)
    }
}

fn probe(handler: &Value, initial_delay: u32, period: u32) -> Value {
    let mut p = handler.clone();
    p["initialDelaySeconds"] = json!(initial_delay);
    p["periodSeconds"] = json!(period);
    p
}

fn job_spec(template: Value) -> Value {
    json!({ "backoffLimit": 3, "ttlSecondsAfterFinished": 86400, "template": template })
}

fn claim_template(v: &VolumeClaim) -> Value {
    let mut spec = json!({
        "accessModes": ["ReadWriteOnce"],
        "resources": { "requests": { "storage": v.size } },
    });
    if let Some(class) = &v.storage_class {
        spec["storageClassName"] = json!(class);
    }
    json!({ "metadata": { "name": "data" }, "spec": spec })
}

/// Container names are DNS labels (at most 63 characters).
fn container_name(name: &str) -> String {
    name.chars().take(63).collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_matches_template_and_ports_line_up() {
        let mut w = Workload::new(WorkloadKind::Deployment, "web", "nginx:1.27");
        w.container.ports = vec![80];
        w.replicas = Some(3);
        let v = w.build();
        assert_eq!(
            v["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"],
            v["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        );
        let c = &v["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["ports"][0]["containerPort"], 80);
        assert_eq!(c["readinessProbe"]["tcpSocket"]["port"], 80);
        assert_eq!(v["spec"]["replicas"], 3);
    }

    #[test]
    fn cronjob_has_schedule_and_no_probes() {
        let mut w = Workload::new(WorkloadKind::CronJob, "nightly", "busybox:1.36");
        w.schedule = Some("0 2 * * *".into());
        w.container.ports = vec![80];
        let v = w.build();
        assert_eq!(v["spec"]["schedule"], "0 2 * * *");
        let c = &v["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
        assert!(c.get("livenessProbe").is_none());
    }
}
