//! Workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod), the Service that exposes
//! them, and standalone Services.

use shipmate_manifests::build::{
    Labels, NAME_LABEL, PortMap, ServiceSpec, ServiceType, VolumeClaim, Workload, WorkloadKind,
};

use super::{name_or_ask, ns, pairs_with};
use crate::proposal::{Action, Proposal};
use crate::rules::req::Req;
use crate::rules::slots::PairRole;
use crate::rules::vocab::{Res, is_label};

fn kind_of(res: Res) -> WorkloadKind {
    match res {
        Res::StatefulSet => WorkloadKind::StatefulSet,
        Res::DaemonSet => WorkloadKind::DaemonSet,
        Res::Job => WorkloadKind::Job,
        Res::CronJob => WorkloadKind::CronJob,
        Res::Pod => WorkloadKind::Pod,
        _ => WorkloadKind::Deployment,
    }
}

/// A name from an image (`ghcr.io/acme/api:1.2` → `api`).
fn name_from_image(image: &str) -> Option<String> {
    let repo = image.split('@').next()?;
    let last = repo.rsplit('/').next()?;
    let base = last.split(':').next()?;
    let name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    let name = name.trim_matches('-').to_owned();
    is_label(&name).then_some(name)
}

/// The Service type words ask for, if any.
fn service_type(req: &Req) -> Option<ServiceType> {
    if req.w.has(&[
        "loadbalancer",
        "lb",
        "external",
        "externally",
        "publicly",
        "internet",
    ]) {
        Some(ServiceType::LoadBalancer)
    } else if req.w.has(&["nodeport"]) {
        Some(ServiceType::NodePort)
    } else if req.w.has(&["headless"]) {
        Some(ServiceType::Headless)
    } else if req.w.has(&["clusterip", "internal"]) {
        Some(ServiceType::ClusterIP)
    } else {
        None
    }
}

/// Creates a workload (and its Service when asked).
pub fn create(req: &mut Req, res: Res, idx: Option<usize>) -> Proposal {
    let kind = kind_of(res);
    let image = req.s.image.clone();
    let name = req
        .name_near(idx)
        .or_else(|| image.as_deref().and_then(name_from_image));
    let mut questions = Vec::new();
    if name.is_none() {
        questions.push(format!("What should the {} be called?", kind.kind()));
    }
    if image.is_none() {
        questions.push(format!(
            "Which container image (registry/name:tag) should the {} run?",
            kind.kind()
        ));
    }
    let schedule = match (&req.s.schedule, kind) {
        (Some(Ok(cron)), _) => Some(cron.clone()),
        (Some(Err(why)), WorkloadKind::CronJob) => {
            questions.push(format!("{why}; how often should it run?"));
            None
        }
        (None, WorkloadKind::CronJob) => {
            questions.push("How often should the CronJob run (e.g. every day at 2am)?".into());
            None
        }
        _ => None,
    };
    let (Some(name), Some(image), true) = (name, image, questions.is_empty()) else {
        return req.needs(
            format!("The {} request is missing details.", kind.kind()),
            questions,
        );
    };
    let mut w = Workload::new(kind, &name, &image);
    w.namespace = ns(req);
    w.replicas = req.s.replicas;
    w.defaults = req.defaults.clone();
    w.schedule = schedule;
    w.container.ports = req.s.ports.iter().map(|p| p.target).collect();
    w.container.ports.dedup();
    w.container.resources = req.s.resources.clone();
    w.container.health_path = req.s.health_path.clone();
    let (env, labels) = split_plain(req);
    w.container.env = env;
    w.labels = labels;
    w.container.privileged = req.w.has(&["privileged"]);
    w.host_network = req.w.has(&["hostnetwork"]);
    w.host_pid = req.w.has(&["hostpid"]);
    if req.w.has(&["hostpath"]) {
        w.host_path = req
            .s
            .storage
            .mount_path
            .clone()
            .or(req.s.paths.first().cloned());
        if w.host_path.is_none() {
            return req.needs(
                "A hostPath mount needs a path.",
                vec!["Which node directory should be mounted?".into()],
            );
        }
    }
    if kind == WorkloadKind::StatefulSet
        && let Some(size) = &req.s.storage.size
    {
        w.volume = Some(VolumeClaim {
            size: size.clone(),
            mount_path: req
                .s
                .storage
                .mount_path
                .clone()
                .unwrap_or_else(|| "/data".into()),
            storage_class: req.s.storage.class.clone(),
        });
    }
    let mut p = req.proposed(summary(req, &w));
    p.manifests.push(w.build());
    // A Service: asked for, or required by a StatefulSet (its serviceName).
    let wants_service = req.w.has(&["expose", "exposed", "exposing", "reachable"])
        || req.noun_of(&[Res::Service]).is_some()
        || service_type(req).is_some();
    if kind == WorkloadKind::StatefulSet || (wants_service && kind.long_running()) {
        let ty = if kind == WorkloadKind::StatefulSet {
            ServiceType::Headless
        } else {
            service_type(req).unwrap_or_default()
        };
        if req.s.ports.is_empty() && ty != ServiceType::Headless {
            return req.needs(
                "Exposing the workload needs a port.",
                vec![format!("On which port does {name} listen?")],
            );
        }
        let svc = ServiceSpec {
            name: name.clone(),
            namespace: ns(req),
            service_type: ty,
            selector: w.selector(),
            ports: req.s.ports.clone(),
        };
        p.manifests.push(svc.build());
        p.summary.push_str(&format!(", exposed by a {ty} Service"));
    }
    p
}

/// Plain pairs on a workload: UPPER_CASE keys are env, others labels; explicit roles win.
fn split_plain(req: &Req) -> (Vec<(String, String)>, Labels) {
    let mut env = pairs_with(req, &[PairRole::Env]);
    let mut labels: Labels = pairs_with(req, &[PairRole::Label]).into_iter().collect();
    for (k, v) in pairs_with(req, &[PairRole::Plain]) {
        if k.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            env.push((k, v));
        } else {
            labels.insert(k, v);
        }
    }
    (env, labels)
}

fn summary(req: &Req, w: &Workload) -> String {
    let mut s = format!(
        "Create {} {} running {}",
        w.kind.kind(),
        w.name,
        w.container.image
    );
    if let Some(r) = w.replicas {
        s.push_str(&format!(
            " with {r} replica{}",
            if r == 1 { "" } else { "s" }
        ));
    }
    if let Some(cron) = &w.schedule {
        s.push_str(&format!(" on schedule \"{cron}\""));
    }
    if !w.container.ports.is_empty() {
        let ports: Vec<String> = w.container.ports.iter().map(u16::to_string).collect();
        s.push_str(&format!(" on port {}", ports.join(", ")));
    }
    s.push_str(&req.in_ns());
    s
}

/// A Service on its own: `kubectl expose` when it is for a named workload (kubectl reads the
/// real selector), else a manifest selecting the labels given (or the name label).
pub fn standalone_service(req: &mut Req, idx: Option<usize>) -> Proposal {
    let workload = req.noun_of(&[Res::Deployment, Res::StatefulSet, Res::DaemonSet, Res::Pod]);
    if let Some((i, res)) = workload
        && let Some(target) = crate::rules::slots::name_after(&req.w, i)
    {
        let Some(port) = req.s.ports.first().copied() else {
            return req.needs(
                "A Service needs a port.",
                vec![format!(
                    "On which port should the Service for {target} listen?"
                )],
            );
        };
        let mut argv: Vec<String> = ["expose", res.kubectl(), &target]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        argv.push(format!("--port={}", port.port));
        if port.target != port.port {
            argv.push(format!("--target-port={}", port.target));
        }
        if let Some(name) = req.name_near(idx).filter(|n| *n != target) {
            argv.push(format!("--name={name}"));
        }
        match service_type(req) {
            Some(ServiceType::NodePort) => argv.push("--type=NodePort".into()),
            Some(ServiceType::LoadBalancer) => argv.push("--type=LoadBalancer".into()),
            _ => {}
        }
        let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
        let action: Action = req.action(
            &refs,
            true,
            "Creates a Service with the workload's selector",
        );
        let mut p = req.proposed(format!(
            "Expose {} {target} on port {}{}",
            res.kind().to_lowercase(),
            port.port,
            req.in_ns()
        ));
        p.actions.push(action);
        return p;
    }
    let name = match name_or_ask(req, idx, "Service") {
        Ok(n) => n,
        Err(p) => return *p,
    };
    if req.s.ports.is_empty() {
        return req.needs(
            "A Service needs a port.",
            vec![format!("On which port should Service {name} listen?")],
        );
    }
    let mut selector: Labels = pairs_with(req, &[PairRole::Label, PairRole::Plain])
        .into_iter()
        .collect();
    let assumed = selector.is_empty();
    if assumed {
        selector.insert(NAME_LABEL.to_owned(), name.clone());
    }
    let ty = service_type(req).unwrap_or_default();
    let svc = ServiceSpec {
        name: name.clone(),
        namespace: ns(req),
        service_type: ty,
        selector: selector.clone(),
        ports: req.s.ports.clone(),
    };
    let sel: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let ports: Vec<String> = req
        .s
        .ports
        .iter()
        .map(|p: &PortMap| p.port.to_string())
        .collect();
    let mut p = req.proposed(format!(
        "Create {ty} Service {name} on port {} selecting pods labelled {}{}{}",
        ports.join(", "),
        sel.join(","),
        if assumed {
            " (say `for app=NAME` to select other pods)"
        } else {
            ""
        },
        req.in_ns()
    ));
    p.manifests.push(svc.build());
    p
}
