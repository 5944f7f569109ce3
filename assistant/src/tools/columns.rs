//! The columns `list` prints per kind, after NAMESPACE (all namespaces) and NAME and before
//! AGE — the ones kubectl prints, since that is what people and models read first. Kinds
//! without an entry get NAME and AGE only.

use serde_json::Value;

use super::table::{int, text};

/// How the cells of one object are filled.
type Row = fn(&Value) -> Vec<String>;

/// Extra columns of one kind: header and how to fill them from an object.
pub struct Columns {
    /// Column names.
    pub header: &'static [&'static str],
    /// The cells of one object.
    pub row: Row,
}

/// The columns for `group`/`kind`.
pub fn for_kind(group: &str, kind: &str) -> Columns {
    let (header, row): (&'static [&'static str], Row) = match (group, kind) {
        ("", "Pod") => (&["READY", "STATUS", "RESTARTS"], pod),
        ("apps", "Deployment") => (&["READY", "UP-TO-DATE", "AVAILABLE"], deployment),
        ("apps", "StatefulSet") => (&["READY"], stateful_set),
        ("apps", "ReplicaSet") => (&["DESIRED", "CURRENT", "READY"], replica_set),
        ("apps", "DaemonSet") => (
            &["DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE"],
            daemon_set,
        ),
        ("batch", "Job") => (&["STATUS", "COMPLETIONS"], job),
        ("batch", "CronJob") => (
            &["SCHEDULE", "SUSPEND", "ACTIVE", "LAST SCHEDULE"],
            cron_job,
        ),
        ("", "Service") => (&["TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"], service),
        ("", "Node") => (&["STATUS", "ROLES", "VERSION"], node),
        ("", "Namespace") => (&["STATUS"], |o| vec![text(&o["status"]["phase"])]),
        ("", "ConfigMap") => (&["DATA"], |o| {
            vec![count_keys(&[&o["data"], &o["binaryData"]])]
        }),
        ("", "Secret") => (&["TYPE", "DATA"], |o| {
            vec![text(&o["type"]), count_keys(&[&o["data"]])]
        }),
        ("", "PersistentVolumeClaim") => (&["STATUS", "VOLUME", "CAPACITY"], |o| {
            vec![
                text(&o["status"]["phase"]),
                text(&o["spec"]["volumeName"]),
                text(&o["status"]["capacity"]["storage"]),
            ]
        }),
        ("networking.k8s.io", "Ingress") => (&["CLASS", "HOSTS"], |o| {
            let hosts = o["spec"]["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| text(&r["host"]));
            vec![
                text(&o["spec"]["ingressClassName"]),
                hosts.collect::<Vec<_>>().join(","),
            ]
        }),
        _ => (&[], |_| Vec::new()),
    };
    Columns { header, row }
}

fn count_keys(maps: &[&Value]) -> String {
    maps.iter()
        .filter_map(|m| m.as_object())
        .map(|m| m.len())
        .sum::<usize>()
        .to_string()
}

fn ratio(a: &Value, b: &Value) -> String {
    format!("{}/{}", int(a), int(b))
}

fn pod(o: &Value) -> Vec<String> {
    let statuses = o["status"]["containerStatuses"].as_array();
    let total = o["spec"]["containers"].as_array().map_or(0, Vec::len);
    let ready = statuses
        .into_iter()
        .flatten()
        .filter(|c| c["ready"] == true)
        .count();
    let restarts: i64 = statuses
        .into_iter()
        .flatten()
        .map(|c| int(&c["restartCount"]))
        .sum();
    vec![
        format!("{ready}/{total}"),
        pod_status(o),
        restarts.to_string(),
    ]
}

/// kubectl's pod STATUS: the phase, overridden by a container's waiting or terminated
/// reason (CrashLoopBackOff, ImagePullBackOff, OOMKilled, Completed), `Init:…` while init
/// containers have not finished, `Terminating` once deleted.
pub fn pod_status(o: &Value) -> String {
    let status = &o["status"];
    if !o["metadata"]["deletionTimestamp"].is_null() {
        return "Terminating".into();
    }
    let mut reason = match text(&status["reason"]) {
        r if r.is_empty() => text(&status["phase"]),
        r => r,
    };
    let inits = status["initContainerStatuses"].as_array();
    for c in inits.into_iter().flatten() {
        let state = &c["state"];
        if state["terminated"]["exitCode"] == 0 && !state["terminated"].is_null() {
            continue;
        }
        let why = [&state["waiting"]["reason"], &state["terminated"]["reason"]]
            .into_iter()
            .map(text)
            .find(|r| !r.is_empty() && r != "PodInitializing");
        return format!("Init:{}", why.unwrap_or_else(|| "Running".into()));
    }
    for c in status["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .rev()
    {
        let state = &c["state"];
        let waiting = text(&state["waiting"]["reason"]);
        let terminated = text(&state["terminated"]["reason"]);
        if !waiting.is_empty() {
            reason = waiting;
        } else if !terminated.is_empty() {
            reason = terminated;
        } else if !state["terminated"].is_null() {
            reason = format!("ExitCode:{}", int(&state["terminated"]["exitCode"]));
        }
    }
    reason
}

fn deployment(o: &Value) -> Vec<String> {
    let s = &o["status"];
    vec![
        ratio(&s["readyReplicas"], &o["spec"]["replicas"]),
        int(&s["updatedReplicas"]).to_string(),
        int(&s["availableReplicas"]).to_string(),
    ]
}

fn stateful_set(o: &Value) -> Vec<String> {
    vec![ratio(&o["status"]["readyReplicas"], &o["spec"]["replicas"])]
}

fn replica_set(o: &Value) -> Vec<String> {
    let s = &o["status"];
    [&o["spec"]["replicas"], &s["replicas"], &s["readyReplicas"]]
        .map(|v| int(v).to_string())
        .to_vec()
}

fn daemon_set(o: &Value) -> Vec<String> {
    let s = &o["status"];
    [
        "desiredNumberScheduled",
        "currentNumberScheduled",
        "numberReady",
        "updatedNumberScheduled",
        "numberAvailable",
    ]
    .map(|k| int(&s[k]).to_string())
    .to_vec()
}

fn job(o: &Value) -> Vec<String> {
    let conditions = o["status"]["conditions"].as_array();
    let done = conditions
        .into_iter()
        .flatten()
        .find(|c| c["status"] == "True" && (c["type"] == "Complete" || c["type"] == "Failed"));
    let status = done.map_or_else(|| "Running".into(), |c| text(&c["type"]));
    let completions = o["spec"]["completions"].as_i64().unwrap_or(1);
    vec![
        status,
        format!("{}/{completions}", int(&o["status"]["succeeded"])),
    ]
}

fn cron_job(o: &Value) -> Vec<String> {
    let active = o["status"]["active"].as_array().map_or(0, Vec::len);
    let last = &o["status"]["lastScheduleTime"];
    let last = if last.is_null() {
        String::new()
    } else {
        super::table::age(last)
    };
    vec![
        text(&o["spec"]["schedule"]),
        (o["spec"]["suspend"] == true).to_string(),
        active.to_string(),
        last,
    ]
}

fn service(o: &Value) -> Vec<String> {
    let spec = &o["spec"];
    let ty = match text(&spec["type"]) {
        t if t.is_empty() => "ClusterIP".to_string(),
        t => t,
    };
    let ingress = o["status"]["loadBalancer"]["ingress"]
        .as_array()
        .into_iter()
        .flatten();
    let mut external: Vec<String> = ingress
        .map(|i| {
            text(if i["ip"].is_null() {
                &i["hostname"]
            } else {
                &i["ip"]
            })
        })
        .collect();
    external.extend(
        spec["externalIPs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(text),
    );
    if ty == "ExternalName" {
        external.push(text(&spec["externalName"]));
    }
    let external = match (external.is_empty(), ty.as_str()) {
        (true, "LoadBalancer") => "<pending>".to_string(),
        _ => external.join(","),
    };
    let ports = spec["ports"].as_array().into_iter().flatten().map(|p| {
        let protocol = if p["protocol"].is_null() {
            "TCP".into()
        } else {
            text(&p["protocol"])
        };
        match p["nodePort"].as_i64() {
            Some(node) => format!("{}:{node}/{protocol}", int(&p["port"])),
            None => format!("{}/{protocol}", int(&p["port"])),
        }
    });
    vec![
        ty,
        text(&spec["clusterIP"]),
        external,
        ports.collect::<Vec<_>>().join(","),
    ]
}

fn node(o: &Value) -> Vec<String> {
    let ready = o["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Ready");
    let mut status = match ready.map(|c| text(&c["status"])) {
        Some(s) if s == "True" => "Ready".to_string(),
        Some(s) if s == "False" => "NotReady".to_string(),
        _ => "Unknown".to_string(),
    };
    if o["spec"]["unschedulable"] == true {
        status.push_str(",SchedulingDisabled");
    }
    let roles: Vec<&str> = o["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/"))
        .collect();
    vec![
        status,
        roles.join(","),
        text(&o["status"]["nodeInfo"]["kubeletVersion"]),
    ]
}
