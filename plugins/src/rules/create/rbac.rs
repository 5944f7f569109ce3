//! ServiceAccounts, read-only Roles and bindings (`bind ROLE to user X`, `give sa ci read
//! access`).

use shipmate_manifests::build::{RoleBindingSpec, RoleSpec, Subject, service_account as sa};

use super::{name_or_ask, ns};
use crate::proposal::Proposal;
use crate::rules::req::Req;
use crate::rules::vocab::{Res, is_name, resource};

/// Built-in ClusterRoles.
const CLUSTER_ROLES: &[&str] = &["cluster-admin", "admin", "edit", "view"];

/// A ServiceAccount.
pub fn service_account(req: &mut Req, idx: Option<usize>) -> Proposal {
    let name = match name_or_ask(req, idx, "ServiceAccount") {
        Ok(n) => n,
        Err(p) => return *p,
    };
    let mut p = req.proposed(format!("Create ServiceAccount {name}{}", req.in_ns()));
    p.manifests.push(sa(&name, ns(req).as_deref()));
    p
}

/// `(apiGroup, plural)` of a resource, for RBAC rules.
fn rbac_resource(res: Res) -> Option<(String, String)> {
    let group = match res {
        Res::Deployment | Res::StatefulSet | Res::DaemonSet | Res::ReplicaSet => "apps",
        Res::Job | Res::CronJob => "batch",
        Res::Ingress | Res::NetworkPolicy => "networking.k8s.io",
        Res::Hpa => "autoscaling",
        Res::Pdb => "policy",
        Res::Role | Res::RoleBinding => "rbac.authorization.k8s.io",
        Res::All
        | Res::Node
        | Res::Namespace
        | Res::Pv
        | Res::ClusterRoleBinding
        | Res::StorageClass => return None,
        _ => "",
    };
    let plural = match res {
        Res::Pvc => "persistentvolumeclaims".to_owned(),
        Res::Hpa => "horizontalpodautoscalers".to_owned(),
        Res::Pdb => "poddisruptionbudgets".to_owned(),
        other => other.plural(),
    };
    Some((group.to_owned(), plural))
}

/// A read-only Role on the resources named (pods by default), bound to a subject if one is
/// named.
pub fn role(req: &mut Req, idx: Option<usize>) -> Proposal {
    let name = match name_or_ask(req, idx, "Role") {
        Ok(n) => n,
        Err(p) => return *p,
    };
    let mut resources: Vec<(String, String)> = req
        .nouns()
        .filter(|(i, r)| Some(*i) != idx && *r != Res::Role)
        .filter_map(|(_, r)| rbac_resource(r))
        .collect();
    resources.dedup();
    if resources.is_empty() {
        resources.push((String::new(), "pods".into()));
    }
    let listed: Vec<&str> = resources.iter().map(|(_, r)| r.as_str()).collect();
    let mut p = req.proposed(format!(
        "Create read-only Role {name} (get, list, watch on {}){}",
        listed.join(", "),
        req.in_ns()
    ));
    p.manifests.push(
        RoleSpec {
            name: name.clone(),
            namespace: ns(req),
            resources,
        }
        .build(),
    );
    if let Some(subject) = subject(req) {
        p.manifests.push(
            RoleBindingSpec {
                name: format!("{name}-binding"),
                namespace: ns(req),
                role: name,
                cluster_role: false,
                cluster_wide: false,
                subject,
            }
            .build(),
        );
    }
    p
}

/// `user X`, `group X`, `serviceaccount X` / `sa X`.
fn subject(req: &Req) -> Option<Subject> {
    let w = &req.w;
    w.indices().find_map(|i| {
        let next = w.low(i + 1);
        if !is_name(next) {
            return None;
        }
        match w.low(i) {
            "user" => Some(Subject::User(next.to_owned())),
            "group" => Some(Subject::Group(next.to_owned())),
            "serviceaccount" | "sa" => Some(Subject::ServiceAccount(next.to_owned())),
            _ => None,
        }
    })
}

/// Binds a role to a subject; `cluster-admin` (or "cluster-wide") makes a ClusterRoleBinding.
pub fn bind(req: &mut Req) -> Proposal {
    let w = &req.w;
    let read_only = w.has(&["read", "read-only", "readonly", "view", "viewer"]);
    let role = w
        .indices()
        .find_map(|i| {
            let low = w.low(i);
            let is_role_word = matches!(low, "role" | "clusterrole" | "bind" | "grant" | "give");
            (is_role_word
                && is_name(w.low(i + 1))
                && resource(w.low(i + 1)).is_none()
                && !matches!(
                    w.low(i + 1),
                    "user" | "group" | "sa" | "serviceaccount" | "the" | "a"
                ))
            .then(|| w.low(i + 1).to_owned())
        })
        .or_else(|| {
            w.indices()
                .map(|i| w.low(i))
                .find(|t| CLUSTER_ROLES.contains(t))
                .map(str::to_owned)
        })
        .or_else(|| read_only.then(|| "view".to_owned()));
    let subject = subject(req);
    let (Some(role), Some(subject)) = (role, subject) else {
        return req.needs(
            "A binding needs a role and a subject.",
            vec!["Which role, and which user, group or service account should get it?".into()],
        );
    };
    let cluster_role = CLUSTER_ROLES.contains(&role.as_str()) || w.has(&["clusterrole"]);
    let cluster_wide = role == "cluster-admin"
        || w.has(&[
            "cluster-wide",
            "clusterwide",
            "clusterrolebinding",
            "allnamespaces",
        ]);
    let who = match &subject {
        Subject::User(n) | Subject::Group(n) | Subject::ServiceAccount(n) => n.clone(),
    };
    let name = req
        .s
        .name
        .clone()
        .unwrap_or_else(|| format!("{role}-{who}"));
    let spec = RoleBindingSpec {
        name: name.clone(),
        namespace: ns(req),
        role: role.clone(),
        cluster_role,
        cluster_wide,
        subject,
    };
    let mut p = req.proposed(format!(
        "Bind {} {role} to {who}{}",
        if cluster_role { "ClusterRole" } else { "Role" },
        if cluster_wide {
            " cluster-wide".to_owned()
        } else {
            req.in_ns()
        }
    ));
    p.manifests.push(spec.build());
    p
}
