//! Troubleshooting: the read-only commands an expert runs first for a failing pod, workload,
//! service, node, PVC or job. Never a mutation.

use super::act::target;
use super::req::Req;
use super::vocab::Res;
use crate::proposal::{Action, Proposal};

/// What a troubleshooting request asks to have diagnosed (see [`super::diagnosis`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// The namespace: the request's (`in namespace shop`), else the default; `None` with
    /// [`Diagnosis::all_namespaces`] or when there is no default.
    pub namespace: Option<String>,
    /// Whether the request spans all namespaces.
    pub all_namespaces: bool,
    /// The object as kubectl names it (`pod/api-0`, `deployment/web`), when the request names
    /// one; `None` for a whole namespace.
    pub object: Option<String>,
}

/// The resource a request is about (the noun, else a pod, or a Service when it speaks of
/// endpoints) and its name, if given.
fn subject(req: &Req) -> (Res, Option<String>) {
    let default = if req.w.has(&["noendpoints", "endpoints", "endpoint"]) {
        Res::Service
    } else {
        Res::Pod
    };
    let t = target(req, Some(default));
    (t.res.unwrap_or(default), t.name)
}

/// The [`Diagnosis`] of a troubleshooting request.
pub fn diagnosis(req: &Req) -> Diagnosis {
    let (res, name) = subject(req);
    let mut d = Diagnosis {
        namespace: req.ns.clone(),
        all_namespaces: req.all_ns,
        object: None,
    };
    match (res, name) {
        (Res::Namespace, Some(ns)) => {
            d.namespace = Some(ns);
            d.all_namespaces = false;
        }
        (res, Some(name)) => d.object = Some(format!("{}/{name}", res.kubectl())),
        (_, None) => {}
    }
    d
}

/// Handles "why is X crashing / pending / not ready", "service Y has no endpoints"…
pub fn handle(req: &mut Req) -> Proposal {
    let (res, name) = subject(req);
    let crashing = req
        .w
        .has_prefix(&["crash", "restart", "oom", "fail", "error"])
        || req.w.has(&["keeps", "keep"]);
    let Some(name) = name else {
        return overview(req, res);
    };
    let mut actions: Vec<Action> = Vec::new();
    let mut add = |args: &[&str], namespaced: bool, why: &str| {
        actions.push(req.action(args, namespaced, why));
    };
    let obj = format!("{}/{name}", res.kubectl());
    let events_for = ["events", "--for", obj.as_str()];
    match res {
        Res::Pod => {
            add(
                &["describe", "pod", &name],
                true,
                "Status, container states, exit codes, recent events",
            );
            if crashing {
                add(
                    &[
                        "logs",
                        &name,
                        "--previous",
                        "--all-containers",
                        "--tail=100",
                    ],
                    true,
                    "Output of the last crashed container",
                );
            }
            add(
                &["logs", &name, "--all-containers", "--tail=100"],
                true,
                "Current container output",
            );
            add(&events_for, true, "Scheduling, image pull and probe events");
        }
        Res::Deployment | Res::StatefulSet | Res::DaemonSet => {
            add(
                &["rollout", "status", &obj, "--watch=false"],
                true,
                "Whether the rollout is stuck",
            );
            add(
                &["describe", res.kubectl(), &name],
                true,
                "Conditions, replica counts and events",
            );
            add(
                &["get", "pods", "-o", "wide"],
                true,
                "Pod states and restarts in the namespace",
            );
            add(&events_for, true, "Events of the workload");
            add(
                &["logs", &obj, "--all-containers", "--tail=100"],
                true,
                "Output of one of its pods",
            );
        }
        Res::Service => {
            add(
                &["describe", "service", &name],
                true,
                "Selector, ports and endpoints",
            );
            add(
                &[
                    "get",
                    "endpointslices",
                    "-l",
                    &format!("kubernetes.io/service-name={name}"),
                ],
                true,
                "Ready and not-ready endpoints behind the service",
            );
            add(
                &["get", "endpoints", &name],
                true,
                "Endpoints (empty when no ready pod matches)",
            );
            add(
                &["get", "pods", "--show-labels"],
                true,
                "Compare pod labels with the selector",
            );
        }
        Res::Node => {
            add(
                &["describe", "node", &name],
                false,
                "Conditions, pressure, allocated resources",
            );
            add(
                &["get", "node", &name, "-o", "wide"],
                false,
                "Status, versions, addresses",
            );
            add(&events_for, false, "Node events");
        }
        Res::Pvc => {
            add(
                &["describe", "pvc", &name],
                true,
                "Binding status and provisioning events",
            );
            add(&["get", "storageclass"], false, "Available storage classes");
        }
        Res::Job | Res::CronJob => {
            add(
                &["describe", res.kubectl(), &name],
                true,
                "Status, failures, events",
            );
            add(
                &["logs", &obj, "--all-containers", "--tail=100"],
                true,
                "Output of its pod",
            );
            add(&events_for, true, "Events");
        }
        _ => {
            add(
                &["describe", res.kubectl(), &name],
                res.namespaced(),
                "Status and events",
            );
            add(&events_for, res.namespaced(), "Events");
        }
    }
    let mut p = req.proposed(format!(
        "Diagnose {} {name}{} with read-only commands",
        res.kind(),
        req.in_ns()
    ));
    p.actions = actions;
    p
}

/// No name given: a namespace-wide look (problem pods, warning events), not a guess.
fn overview(req: &Req, res: Res) -> Proposal {
    if !matches!(res, Res::Pod) {
        return req.needs(
            format!("The request does not say which {} to diagnose.", res.kind()),
            vec![format!(
                "Which {} should I look at? Give its name.",
                res.kind()
            )],
        );
    }
    let mut p = req.proposed(format!(
        "Look for failing pods and warning events{}",
        req.in_ns()
    ));
    if req.w.has(&["pending"]) {
        p.actions.push(req.action(
            &["get", "pods", "--field-selector=status.phase=Pending"],
            true,
            "Pods that are not scheduled yet",
        ));
    } else {
        p.actions.push(req.action(
            &["get", "pods", "-o", "wide"],
            true,
            "Pod states and restarts",
        ));
    }
    p.actions.push(req.action(
        &["events", "--types=Warning"],
        true,
        "Recent warnings (scheduling, image pulls, probes, OOM kills)",
    ));
    p.questions
        .push("Name a pod or deployment for a closer look.".into());
    p
}
