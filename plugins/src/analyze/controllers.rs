//! Workload controllers: Deployments (unavailable replicas, progress deadline, paused),
//! ReplicaSets (pods refused at creation), StatefulSets (governing Service, storage class,
//! readiness) and DaemonSets (unavailable, misscheduled).
//!
//! A workload whose pods already have findings gets one finding that points at them, never a
//! repetition of their cause.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::finding::{Evidence, Finding, ObjectRef, Severity};
use super::snapshot::Kind;
use super::{Cx, Findings, docs, events};

/// Analyzes every ReplicaSet, Deployment, StatefulSet and DaemonSet.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    for rs in &cx.snap.replica_sets {
        let desired = rs.spec.replicas.unwrap_or(1);
        if desired == 0 {
            continue;
        }
        let condition = rs
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_deref())
            .unwrap_or_default()
            .iter()
            .find(|c| {
                c.type_.as_deref() == Some("ReplicaFailure") && c.status.as_deref() == Some("True")
            })
            .map(|c| c.message.as_deref().unwrap_or_default());
        failed_create(cx, "ReplicaSet", &rs.metadata, condition, out);
    }
    for d in &cx.snap.deployments {
        deployment(cx, d, out);
    }
    for s in &cx.snap.stateful_sets {
        stateful_set(cx, s, out);
    }
    for d in &cx.snap.daemon_sets {
        daemon_set(cx, d, out);
    }
}

/// What refused the pods, from a `FailedCreate` message.
fn refusal(message: &str) -> (&'static str, &'static str) {
    let m = message.to_ascii_lowercase();
    if m.contains("exceeded quota")
        || m.contains("must specify limits")
        || m.contains("must specify requests")
    {
        (
            "a ResourceQuota in the namespace refuses the pods: the quota is used up, or it \
             requires requests/limits the pod template does not set. Raise the quota, free \
             resources, or set the requests and limits it asks for.",
            docs::QUOTA,
        )
    } else if m.contains("violates podsecurity") {
        (
            "Pod Security admission refuses the pods: the namespace enforces a Pod Security \
             level the pod template violates (the message lists the settings). Change the \
             template's securityContext, or the namespace's pod-security labels if the \
             workload really needs them.",
            docs::POD_SECURITY,
        )
    } else if m.contains("admission webhook") || m.contains("denied the request") {
        (
            "an admission webhook refuses the pods (a policy engine such as Gatekeeper or \
             Kyverno, or another validating webhook); the message says which rule. Change the \
             template to satisfy it.",
            docs::ADMISSION,
        )
    } else if m.contains("serviceaccount") || m.contains("service account") {
        (
            "the pods' service account does not exist; create it or fix serviceAccountName.",
            docs::SERVICE_ACCOUNT,
        )
    } else {
        (
            "the API server refuses the pods the controller creates; the message says why.",
            docs::REPLICASET,
        )
    }
}

/// A controller that cannot create its pods (`ReplicaFailure` condition or `FailedCreate`
/// events).
fn failed_create(
    cx: &Cx,
    kind: &str,
    meta: &ObjectMeta,
    condition: Option<&str>,
    out: &mut Findings,
) {
    let ns = meta.namespace.as_deref().unwrap_or_default();
    let name = meta.name.as_deref().unwrap_or_default();
    let evs = events::quoted(cx.index.events(kind, ns, name), &["FailedCreate"], 2);
    let Some(message) = condition
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .or_else(|| evs.first().map(|e| e.text.clone()))
    else {
        return;
    };
    let (why, docs_page) = refusal(&message);
    // A missing service account already reported on the workload: add the evidence there.
    let top = match cx.owners.parent(kind, ns, name) {
        Some((k, n)) => (k, n),
        None => (kind, name),
    };
    if let Some(f) = out.find_mut(top.0, Some(ns), top.1, |f| {
        f.id == "ref.missing-service-account"
    }) {
        f.evidence.extend(evs);
        return;
    }
    let mut f = Finding::new(
        &format!("{}.failed-create", kind.to_ascii_lowercase()),
        Severity::Error,
        ObjectRef::namespaced(kind, ns, name),
        format!("{kind} {name} cannot create its pods"),
        format!("The controller's pod creations fail: {why}"),
        docs_page,
    );
    if let Some(c) = condition.filter(|m| !m.is_empty()) {
        f = f.evidence("status.conditions[ReplicaFailure]", c);
    }
    out.push(f.with_evidence(evs));
}

/// The findings of a workload's pods (and ReplicaSets), as `Kind/name: title` pointers.
fn pointers(cx: &Cx, out: &Findings, kind: &str, ns: &str, name: &str) -> Vec<String> {
    let mut ptrs: Vec<String> = Vec::new();
    for f in out.in_namespace(ns) {
        let about_it = match f.object.kind.as_str() {
            "ReplicaSet" => {
                cx.owners.parent("ReplicaSet", ns, &f.object.name) == Some((kind, name))
            }
            _ => false,
        };
        if about_it {
            ptrs.push(format!("{} ({})", f.title, f.id));
        }
    }
    for pod in cx.index.pods_of(ns, kind, name) {
        let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
        for f in out.about("Pod", Some(ns), pod_name) {
            ptrs.push(format!("{} ({})", f.title, f.id));
        }
    }
    ptrs.dedup();
    ptrs
}

/// A workload with fewer available replicas than desired.
#[allow(clippy::too_many_arguments)]
fn unavailable(
    cx: &Cx,
    out: &mut Findings,
    kind: &str,
    meta: &ObjectMeta,
    desired: i32,
    available: i32,
    rolling: bool,
    docs_page: &str,
) {
    if desired <= 0 || available >= desired {
        return;
    }
    let ns = meta.namespace.as_deref().unwrap_or_default();
    let name = meta.name.as_deref().unwrap_or_default();
    let status = Evidence::new(
        "status",
        format!("{available} of {desired} replicas available"),
    );
    // Its own finding (a missing reference, a stuck rollout, refused pods, missing storage)
    // already says why.
    let explains = |id: &str| {
        (id.starts_with("ref.") && id != "ref.missing-pull-secret")
            || id.ends_with(".progress-deadline")
            || id.ends_with(".failed-create")
            || id.ends_with(".storage-class")
    };
    if let Some(f) = out.find_mut(kind, Some(ns), name, |f| explains(&f.id)) {
        f.evidence.push(status);
        return;
    }
    let ptrs = pointers(cx, out, kind, ns, name);
    if ptrs.is_empty() && rolling && available > 0 {
        return; // a rollout in progress, nothing failing
    }
    let severity = if available == 0 {
        Severity::Critical
    } else {
        Severity::Warning
    };
    let cause = if ptrs.is_empty() {
        format!(
            "{} of {desired} replicas are not available and none of its pods reports a \
             specific problem: they may still be starting, or pending without a scheduler \
             message yet.",
            desired - available
        )
    } else {
        format!(
            "{} of {desired} replicas are not available because its pods fail; see the \
             findings about them: {}.",
            desired - available,
            ptrs.join("; ")
        )
    };
    out.push(
        Finding::new(
            &format!("{}.unavailable", kind.to_ascii_lowercase()),
            severity,
            ObjectRef::namespaced(kind, ns, name),
            format!("{kind} {name} has {available}/{desired} replicas available"),
            cause,
            docs_page,
        )
        .with_evidence([status]),
    );
}

fn deployment(cx: &Cx, d: &Deployment, out: &mut Findings) {
    let (ns, name) = super::index::ns_name(&d.metadata);
    let spec = &d.spec;
    let status = d.status.as_ref();
    let conditions = status
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    let object = || ObjectRef::namespaced("Deployment", ns, name);
    if spec.paused == Some(true) {
        out.push(
            Finding::new(
                "deployment.paused",
                Severity::Warning,
                object(),
                format!("Deployment {name} is paused"),
                "Changes to the pod template are not rolled out while the Deployment is \
                 paused (kubectl rollout pause). Resume it when the changes are complete.",
                docs::DEPLOYMENT,
            )
            .evidence("spec.paused", "true"),
        );
    }
    if let Some(c) = conditions.iter().find(|c| {
        c.type_.as_deref() == Some("Progressing")
            && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    }) {
        let ptrs = pointers(cx, out, "Deployment", ns, name);
        let mut cause = "The rollout made no progress within progressDeadlineSeconds: new pods \
                         do not become available."
            .to_owned();
        if !ptrs.is_empty() {
            cause.push_str(&format!(
                " See the findings about its pods: {}.",
                ptrs.join("; ")
            ));
        }
        out.push(
            Finding::new(
                "deployment.progress-deadline",
                Severity::Error,
                object(),
                format!("The rollout of Deployment {name} is stuck (ProgressDeadlineExceeded)"),
                cause,
                docs::DEPLOYMENT_FAILED,
            )
            .evidence(
                "status.conditions[Progressing]",
                c.message.as_deref().unwrap_or_default(),
            ),
        );
    }
    let desired = spec.replicas.unwrap_or(1);
    let available = status.and_then(|s| s.available_replicas).unwrap_or(0);
    let rolling = conditions.iter().any(|c| {
        c.type_.as_deref() == Some("Progressing")
            && c.reason.as_deref() == Some("ReplicaSetUpdated")
    });
    unavailable(
        cx,
        out,
        "Deployment",
        &d.metadata,
        desired,
        available,
        rolling,
        docs::DEPLOYMENT,
    );
}

fn stateful_set(cx: &Cx, s: &StatefulSet, out: &mut Findings) {
    let (ns, name) = super::index::ns_name(&s.metadata);
    let object = || ObjectRef::namespaced("StatefulSet", ns, name);
    let spec = &s.spec;
    if let Some(svc) = spec.service_name.as_deref().filter(|s| !s.is_empty())
        && cx.snap.was_listed(Kind::Service)
        && !cx.index.services.contains_key(&(ns, svc))
    {
        out.push(
            Finding::new(
                "statefulset.missing-service",
                Severity::Error,
                object(),
                format!("StatefulSet {name} has no governing Service {svc}"),
                format!(
                    "spec.serviceName names Service {svc}, which does not exist: the pods get \
                     no stable DNS names ({name}-0.{svc}…), which clustered software relies \
                     on. Create a headless Service {svc} (clusterIP: None) selecting the pods."
                ),
                docs::STATEFULSET,
            )
            .evidence("spec.serviceName", svc),
        );
    }
    if cx.snap.was_listed(Kind::StorageClass) {
        for t in spec.volume_claim_templates.iter().flatten() {
            let claim = t.metadata.name.as_deref().unwrap_or_default();
            let class = t
                .spec
                .as_ref()
                .and_then(|s| s.storage_class_name.as_deref());
            let problem = match class {
                Some("") => None,
                Some(c) if !cx.index.storage_classes.contains_key(c) => {
                    Some(format!("StorageClass {c}, which does not exist"))
                }
                None if cx.index.default_storage_class.is_none() => {
                    Some("no StorageClass, and the cluster has no default one".to_owned())
                }
                _ => None,
            };
            if let Some(p) = problem {
                out.push(
                    Finding::new(
                        "statefulset.storage-class",
                        Severity::Error,
                        object(),
                        format!("StatefulSet {name} claims storage from {p}"),
                        format!(
                            "The volumeClaimTemplate {claim} asks for {p}: its claims stay \
                             Pending and the pods are never scheduled. Name an existing \
                             StorageClass (kubectl get storageclass) — note that the template \
                             cannot be changed in place: the StatefulSet must be recreated \
                             (kubectl delete statefulset --cascade=orphan, then apply)."
                        ),
                        docs::STORAGE_CLASS,
                    )
                    .evidence(
                        format!("spec.volumeClaimTemplates[{claim}].spec.storageClassName"),
                        class.unwrap_or("(unset)"),
                    ),
                );
            }
        }
    }
    let condition = None;
    failed_create(cx, "StatefulSet", &s.metadata, condition, out);
    let desired = spec.replicas.unwrap_or(1);
    let ready = s
        .status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0);
    let rolling = s
        .status
        .as_ref()
        .is_some_and(|st| st.current_revision != st.update_revision);
    unavailable(
        cx,
        out,
        "StatefulSet",
        &s.metadata,
        desired,
        ready,
        rolling,
        docs::STATEFULSET,
    );
}

fn daemon_set(cx: &Cx, d: &DaemonSet, out: &mut Findings) {
    let (ns, name) = super::index::ns_name(&d.metadata);
    let Some(status) = d.status.as_ref() else {
        return;
    };
    failed_create(cx, "DaemonSet", &d.metadata, None, out);
    if status.number_misscheduled > 0 {
        out.push(
            Finding::new(
                "daemonset.misscheduled",
                Severity::Warning,
                ObjectRef::namespaced("DaemonSet", ns, name),
                format!(
                    "DaemonSet {name} runs {} pod(s) on nodes it should not",
                    status.number_misscheduled
                ),
                "Pods of the DaemonSet run on nodes its node selector, affinity or \
                 tolerations no longer allow (node labels or taints changed after they \
                 started).",
                docs::DAEMONSET,
            )
            .evidence(
                "status.numberMisscheduled",
                status.number_misscheduled.to_string(),
            ),
        );
    }
    let desired = status.desired_number_scheduled;
    let available = status
        .number_available
        .unwrap_or(desired - status.number_unavailable.unwrap_or(0));
    let rolling = status.updated_number_scheduled.unwrap_or(desired) < desired;
    unavailable(
        cx,
        out,
        "DaemonSet",
        &d.metadata,
        desired,
        available,
        rolling,
        docs::DAEMONSET,
    );
}
