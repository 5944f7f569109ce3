//! Seed helpers for troubleshooting fixtures: a healthy application (Deployment, its
//! ReplicaSet, Running and Ready pods, a Service and its EndpointSlice, linked by labels,
//! owner references with the stored UIDs, and ready endpoints), and the edits that break one
//! part of it the way a real cluster reports the failure (container states, events).
//!
//! The fake has no controllers: everything a controller or kubelet would write (`status`,
//! ReplicaSets, EndpointSlices, events) is written here, in the shape the real API serves.

use serde_json::{Value, json};

use super::FakeCluster;

/// One application as [`App::seed`] stores it.
#[derive(Debug, Clone)]
pub struct App {
    /// Namespace.
    pub namespace: String,
    /// Name of the Deployment, Service and container; pods are `NAME-7d9c5-N`.
    pub name: String,
    /// Pods (and `spec.replicas`).
    pub replicas: usize,
    /// The Deployment as stored (with its `uid`).
    pub deployment: Value,
    /// The pods as stored, in order.
    pub pods: Vec<Value>,
}

/// Hash of the ReplicaSet's pod template in the names (`web-7d9c5`), as the controller adds.
const TEMPLATE_HASH: &str = "7d9c5";

impl App {
    /// The name of pod `i` (`web-7d9c5-0`).
    pub fn pod_name(&self, i: usize) -> String {
        format!("{}-{TEMPLATE_HASH}-{i}", self.name)
    }

    /// Seeds a healthy application `name` in `namespace` with `replicas` pods: Deployment
    /// (finished rollout), ReplicaSet, Running+Ready pods on node `node-0` with requests and
    /// limits, a Service selecting `app=NAME` on port 80 → 8080, and an EndpointSlice with every
    /// pod ready. `edit` may change the pod manifests (pod index, pod) before they are stored,
    /// so that a broken pod is born broken.
    pub fn seed(
        cluster: &FakeCluster,
        namespace: &str,
        name: &str,
        replicas: usize,
        edit: impl Fn(usize, &mut Value),
    ) -> App {
        let deployment = cluster
            .seed(app_deployment(namespace, name, replicas))
            .remove(0);
        let mut rs = app_replica_set(namespace, name, replicas);
        rs["metadata"]["ownerReferences"] = owner(&deployment);
        let rs = cluster.seed(rs).remove(0);
        let mut app = App {
            namespace: namespace.into(),
            name: name.into(),
            replicas,
            deployment,
            pods: Vec::new(),
        };
        let pods: Vec<Value> = (0..replicas)
            .map(|i| {
                let mut pod = app_pod(&app, i);
                pod["metadata"]["ownerReferences"] = owner(&rs);
                edit(i, &mut pod);
                pod
            })
            .collect();
        app.pods = cluster.seed(pods);
        cluster.seed(vec![app_service(namespace, name), app_slice(&app)]);
        app
    }
}

/// `ownerReferences` naming `obj` as the controller.
pub fn owner(obj: &Value) -> Value {
    json!([{
        "apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true,
    }])
}

fn container(name: &str) -> Value {
    json!({
        "name": name, "image": "registry.example.com/shop/app:1.4.2",
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
    })
}

fn app_deployment(namespace: &str, name: &str, replicas: usize) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container(name)]},
            },
        },
    })
}

fn app_replica_set(namespace: &str, name: &str, replicas: usize) -> Value {
    let labels = json!({"app": name, "pod-template-hash": TEMPLATE_HASH});
    json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": format!("{name}-{TEMPLATE_HASH}"), "namespace": namespace, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [container(name)]},
            },
        },
    })
}

/// Pod IP of pod `i` of an app (unique enough for fixtures).
fn pod_ip(app: &App, i: usize) -> String {
    let h = app
        .name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
    format!("10.{}.{}.{}", h % 250, (i / 250) % 250, i % 250 + 1)
}

fn app_pod(app: &App, i: usize) -> Value {
    let started = "2026-01-01T00:00:00Z";
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": app.pod_name(i), "namespace": app.namespace,
            "labels": {"app": app.name, "pod-template-hash": TEMPLATE_HASH},
        },
        "spec": {"containers": [container(&app.name)], "nodeName": "node-0", "restartPolicy": "Always"},
        "status": {
            "phase": "Running", "podIP": pod_ip(app, i), "startTime": started,
            "conditions": [
                {"type": "PodScheduled", "status": "True"},
                {"type": "Initialized", "status": "True"},
                {"type": "ContainersReady", "status": "True"},
                {"type": "Ready", "status": "True"},
            ],
            "containerStatuses": [{
                "name": app.name, "ready": true, "started": true, "restartCount": 0,
                "image": "registry.example.com/shop/app:1.4.2", "imageID": "",
                "state": {"running": {"startedAt": started}},
            }],
        },
    })
}

fn app_service(namespace: &str, name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "selector": {"app": name},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
        },
    })
}

fn app_slice(app: &App) -> Value {
    let endpoints: Vec<Value> = app
        .pods
        .iter()
        .enumerate()
        .map(|(i, pod)| {
            let ready = pod["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            json!({
                "addresses": [pod_ip(app, i)],
                "conditions": {"ready": ready, "serving": ready, "terminating": false},
                "nodeName": "node-0",
                "targetRef": {"kind": "Pod", "namespace": app.namespace, "name": pod["metadata"]["name"], "uid": pod["metadata"]["uid"]},
            })
        })
        .collect();
    json!({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
        "metadata": {
            "name": format!("{}-abcde", app.name), "namespace": app.namespace,
            "labels": {"kubernetes.io/service-name": app.name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
        },
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": endpoints,
    })
}

/// A Ready node `name` with 4 CPUs and 16 GiB of memory.
pub fn node(name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}},
        "spec": {},
        "status": {
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "conditions": [
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"},
                {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure"},
                {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID"},
            ],
        },
    })
}

/// A Warning (or Normal) event about `object` (a stored object), `count` times.
pub fn event(object: &Value, kind: &str, reason: &str, message: &str, count: i64) -> Value {
    let m = &object["metadata"];
    let ns = m["namespace"].as_str().unwrap_or("default");
    let name = m["name"].as_str().unwrap_or_default();
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{name}.{}", reason.to_ascii_lowercase()), "namespace": ns},
        "involvedObject": {
            "apiVersion": object["apiVersion"], "kind": object["kind"], "name": name,
            "namespace": ns, "uid": m["uid"],
        },
        "reason": reason, "message": message, "type": kind, "count": count,
        "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:10:00Z",
        "source": {"component": "kubelet"},
    })
}

/// Marks container 0 of `pod` not ready, waiting with `reason` (`CrashLoopBackOff`,
/// `ImagePullBackOff`, `CreateContainerConfigError`…) and `message`; the pod stays Running
/// (Pending for reasons before the first start).
pub fn waiting(pod: &mut Value, reason: &str, message: &str) {
    let before_start = matches!(
        reason,
        "ImagePullBackOff" | "ErrImagePull" | "CreateContainerConfigError" | "ContainerCreating"
    );
    let status = &mut pod["status"];
    if before_start {
        status["phase"] = "Pending".into();
    }
    for c in status["conditions"].as_array_mut().into_iter().flatten() {
        if c["type"] == "Ready" || c["type"] == "ContainersReady" {
            c["status"] = "False".into();
        }
    }
    let cs = &mut status["containerStatuses"][0];
    cs["ready"] = false.into();
    cs["started"] = false.into();
    cs["state"] = json!({"waiting": {"reason": reason, "message": message}});
}

/// Makes container 0 of `pod` crash-loop: waiting in `CrashLoopBackOff` after `restarts`
/// restarts, its last instance terminated with `exit_code` and `reason` (`Error`,
/// `OOMKilled`), and `previous_log` as that instance's log.
pub fn crash_loop(
    pod: &mut Value,
    exit_code: i64,
    reason: &str,
    restarts: i64,
    previous_log: &str,
) {
    let name = pod["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let container = pod["spec"]["containers"][0]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    waiting(
        pod,
        "CrashLoopBackOff",
        &format!("back-off 5m0s restarting failed container={container} pod={name}"),
    );
    let cs = &mut pod["status"]["containerStatuses"][0];
    cs["restartCount"] = restarts.into();
    cs["lastState"] = json!({"terminated": {
        "exitCode": exit_code, "reason": reason,
        "startedAt": "2026-01-01T00:09:00Z", "finishedAt": "2026-01-01T00:09:05Z",
    }});
    pod["metadata"]["annotations"][super::PREVIOUS_LOG_ANNOTATION] = previous_log.into();
}

/// Makes `pod` Pending and unscheduled (`PodScheduled=False`, reason `Unschedulable`) with
/// the scheduler's `message`; no node, no container statuses.
pub fn unschedulable(pod: &mut Value, message: &str) {
    pod["spec"].as_object_mut().map(|s| s.remove("nodeName"));
    pod["status"] = json!({
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": message}],
    });
}

/// Seeds a Pending claim of storage class `class`, which does not exist, with the
/// provisioner's `ProvisioningFailed` warning (seen `count` times); returns the claim.
pub fn claim_of_missing_class(
    cluster: &FakeCluster,
    namespace: &str,
    name: &str,
    class: &str,
    count: i64,
) -> Value {
    let claim = cluster
        .seed(pvc(namespace, name, Some(class), "Pending"))
        .remove(0);
    cluster.seed(event(
        &claim,
        "Warning",
        "ProvisioningFailed",
        &format!("storageclass.storage.k8s.io \"{class}\" not found"),
        count,
    ));
    claim
}

/// A PersistentVolumeClaim `name` of 1Gi in `phase` (`Bound`, `Pending`) with `class`.
pub fn pvc(namespace: &str, name: &str, class: Option<&str>, phase: &str) -> Value {
    let mut pvc = json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": phase},
    });
    if let Some(class) = class {
        pvc["spec"]["storageClassName"] = class.into();
    }
    if phase == "Bound" {
        pvc["spec"]["volumeName"] = format!("pv-{name}").into();
        pvc["status"]["accessModes"] = json!(["ReadWriteOnce"]);
        pvc["status"]["capacity"] = json!({"storage": "1Gi"});
    }
    pvc
}

/// A StorageClass `name` with a CSI provisioner.
pub fn storage_class(name: &str) -> Value {
    json!({
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": name},
        "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
    })
}

/// Mounts PVC `claim` into `pod` as volume `data`.
pub fn mount_claim(pod: &mut Value, claim: &str) {
    pod["spec"]["volumes"] =
        json!([{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]);
    pod["spec"]["containers"][0]["volumeMounts"] = json!([{"name": "data", "mountPath": "/data"}]);
}
