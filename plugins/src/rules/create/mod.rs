//! Creating objects: the request's first creatable noun picks the builder; workloads are the
//! default when the request carries an image (a schedule makes it a CronJob, "on every node" a
//! DaemonSet).

mod config;
pub mod network;
pub mod rbac;
mod scaling;
mod storage;
mod workload;

use super::req::Req;
use super::slots::{Pair, PairRole};
use super::vocab::Res;
use crate::proposal::Proposal;

const CREATABLE: &[Res] = &[
    Res::Deployment,
    Res::StatefulSet,
    Res::DaemonSet,
    Res::Job,
    Res::CronJob,
    Res::Pod,
    Res::Service,
    Res::ConfigMap,
    Res::Secret,
    Res::Namespace,
    Res::Ingress,
    Res::NetworkPolicy,
    Res::Pvc,
    Res::Hpa,
    Res::Pdb,
    Res::ServiceAccount,
    Res::Role,
    Res::RoleBinding,
    Res::ClusterRoleBinding,
];

/// Handles a create request.
pub fn handle(req: &mut Req) -> Proposal {
    let mut noun = req.noun_of(CREATABLE);
    // `route shop.example.com to service shop`: hosts make it an Ingress.
    if !req.s.hosts.is_empty() && matches!(noun, None | Some((_, Res::Service))) {
        return network::ingress(req, None);
    }
    if req.w.has(&["autoscaling", "autoscale", "autoscaler"]) && req.s.image.is_none() {
        return scaling::hpa(req, None);
    }
    if noun.is_some_and(|(_, r)| r == Res::Namespace) && req.s.image.is_some() {
        noun = None;
    }
    let on_every_node = req.w.has(&["every", "each", "all"]) && req.w.has(&["node", "nodes"]);
    let (idx, res) = match noun {
        Some((i, r)) => (Some(i), r),
        None if req.s.schedule.is_some() => (None, Res::CronJob),
        None if on_every_node => (None, Res::DaemonSet),
        None if req.s.image.is_some() || req.w.has(&["deploy", "run"]) => (None, Res::Deployment),
        None if req.s.pairs.is_empty() && req.s.name.is_none() => {
            return super::not_understood(&req.text, "");
        }
        None => {
            return req.needs(
                "The request does not say what to create.",
                vec![
                    "What should I create (for example a deployment, service, configmap, \
                     secret, cronjob or ingress), and with which name?"
                        .into(),
                ],
            );
        }
    };
    match res {
        Res::Service => workload::standalone_service(req, idx),
        Res::ConfigMap => config::configmap(req, idx),
        Res::Secret => config::secret(req, idx),
        Res::Namespace => storage::namespace(req, idx),
        Res::Pvc => storage::pvc(req, idx),
        Res::Ingress => network::ingress(req, idx),
        Res::NetworkPolicy => network::traffic(req),
        Res::Hpa => scaling::hpa(req, idx),
        Res::Pdb => scaling::pdb(req, idx),
        Res::ServiceAccount => rbac::service_account(req, idx),
        Res::Role => rbac::role(req, idx),
        Res::RoleBinding | Res::ClusterRoleBinding => rbac::bind(req),
        kind => workload::create(req, kind, idx),
    }
}

/// The object name, or the question to ask for it.
pub fn name_or_ask(req: &Req, idx: Option<usize>, kind: &str) -> Result<String, Box<Proposal>> {
    req.name_near(idx).ok_or_else(|| {
        Box::new(req.needs(
            format!("The request does not name the {kind}."),
            vec![format!("What should the {kind} be called?")],
        ))
    })
}

/// Pairs with one of `roles`, as `(key, value)`.
pub fn pairs_with(req: &Req, roles: &[PairRole]) -> Vec<(String, String)> {
    req.s
        .pairs
        .iter()
        .filter(|p: &&Pair| roles.contains(&p.role))
        .map(|p| (p.key.clone(), p.value.clone()))
        .collect()
}

/// The namespace for objects: the request's or the default.
pub fn ns(req: &Req) -> Option<String> {
    req.ns.clone()
}
