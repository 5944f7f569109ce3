//! Ingresses and NetworkPolicies.

use shipmate_manifests::build::{
    IngressRule, IngressSpec, Labels, NetworkPolicySpec, PolicyDirection,
};

use super::ns;
use crate::proposal::Proposal;
use crate::rules::req::Req;
use crate::rules::slots::{name_after, plausible_name};
use crate::rules::vocab::{Res, is_label};

/// An Ingress routing host/path to a Service port.
pub fn ingress(req: &mut Req, idx: Option<usize>) -> Proposal {
    let service = req
        .noun_of(&[Res::Service])
        .and_then(|(i, _)| name_after(&req.w, i))
        .or_else(|| {
            // `… to blog on port 80`, `… to blog:8080`
            req.w.indices().find_map(|i| {
                (req.w.low(i) == "to" && !req.w.used(i + 1))
                    .then(|| plausible_name(&req.w, i + 1))
                    .flatten()
            })
        });
    let port = req.s.ports.first().map(|p| p.port);
    let (Some(service), Some(port)) = (service, port) else {
        return req.needs(
            "An Ingress needs a backend Service and its port.",
            vec!["Which Service and port should it send traffic to?".into()],
        );
    };
    let name = req
        .name_near(idx)
        .or_else(|| (idx.is_some()).then(|| service.clone()))
        .unwrap_or_else(|| service.clone());
    let paths = if req.s.paths.is_empty() {
        vec!["/".to_owned()]
    } else {
        req.s.paths.clone()
    };
    let hosts: Vec<Option<String>> = if req.s.hosts.is_empty() {
        vec![None]
    } else {
        req.s.hosts.iter().cloned().map(Some).collect()
    };
    let mut rules = Vec::new();
    for host in &hosts {
        for path in &paths {
            rules.push(IngressRule {
                host: host.clone(),
                path: path.clone(),
                service: service.clone(),
                port,
            });
        }
    }
    let tls = req.w.has(&["tls", "https", "certificate", "cert-manager"]);
    let spec = IngressSpec {
        name: name.clone(),
        namespace: ns(req),
        class: req.s.storage.class.clone(),
        rules,
        tls_secret: tls.then(|| format!("{name}-tls")),
    };
    let host_text = req.s.hosts.join(", ");
    let mut p = req.proposed(format!(
        "Create Ingress {name} routing {}{} to service {service}:{port}{}{}",
        if host_text.is_empty() {
            "all hosts"
        } else {
            &host_text
        },
        paths.join(", "),
        if tls {
            " with TLS (secret must exist)"
        } else {
            ""
        },
        req.in_ns()
    ));
    p.manifests.push(spec.build());
    p
}

/// Deny or allow traffic: `deny all ingress in staging`, `allow traffic from app=web to
/// app=db on port 5432`, `allow from namespace monitoring`, `isolate namespace x`.
pub fn traffic(req: &mut Req) -> Proposal {
    let w = &req.w;
    let ingress = w.has(&["ingress", "incoming", "inbound"]);
    let egress = w.has(&["egress", "outgoing", "outbound"]);
    let direction = match (ingress, egress) {
        (true, false) => PolicyDirection::Ingress,
        (false, true) => PolicyDirection::Egress,
        (true, true) => PolicyDirection::Both,
        _ if w.has(&["isolate"]) || w.has(&["all"]) && !ingress => PolicyDirection::Both,
        _ => PolicyDirection::Ingress,
    };
    let allow = w.has(&["allow", "permit"]);
    // Pairs after `from` select the peers; pairs after `to`/`for` (or the rest) the targets.
    let mut from_pods = Labels::new();
    let mut targets = Labels::new();
    for pair in &req.s.pairs {
        let before: Vec<&str> = (pair.pos.saturating_sub(3)..pair.pos)
            .map(|k| w.low(k))
            .collect();
        let from_pos = before.iter().rposition(|t| *t == "from");
        let to_pos = before
            .iter()
            .rposition(|t| matches!(*t, "to" | "for" | "reach" | "into"));
        if allow && from_pos.is_some() && from_pos > to_pos {
            from_pods.insert(pair.key.clone(), pair.value.clone());
        } else {
            targets.insert(pair.key.clone(), pair.value.clone());
        }
    }
    // `allow app=web to reach app=db`: without `from`, the first selector is the source.
    if allow && from_pods.is_empty() && req.s.pairs.len() >= 2 {
        let (first, rest) = req.s.pairs.split_at(1);
        from_pods = first
            .iter()
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect();
        targets = rest
            .iter()
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect();
    }
    let from_ns = w.indices().find_map(|i| {
        (w.low(i) == "from" && matches!(w.low(i + 1), "namespace" | "ns") && is_label(w.low(i + 2)))
            .then(|| w.low(i + 2).to_owned())
    });
    let ports: Vec<u16> = req.s.ports.iter().map(|p| p.target).collect();
    let suffix = match direction {
        PolicyDirection::Ingress => "ingress",
        PolicyDirection::Egress => "egress",
        PolicyDirection::Both => "all",
    };
    let (name, summary) = if allow {
        if from_pods.is_empty() && from_ns.is_none() {
            return req.needs(
                "An allow rule needs a source.",
                vec!["Allow traffic from which pods (label key=value) or namespace?".into()],
            );
        }
        let src = from_ns
            .clone()
            .or_else(|| from_pods.values().next().cloned())
            .unwrap_or_default();
        let dst = targets
            .values()
            .next()
            .cloned()
            .unwrap_or_else(|| "all".into());
        (
            req.s
                .name
                .clone()
                .unwrap_or_else(|| format!("allow-{src}-to-{dst}")),
            format!("Allow ingress from {src} to {dst} pods"),
        )
    } else {
        (
            req.s
                .name
                .clone()
                .unwrap_or_else(|| format!("default-deny-{suffix}")),
            format!(
                "Deny all {} traffic",
                if suffix == "all" {
                    "ingress and egress"
                } else {
                    suffix
                }
            ),
        )
    };
    let name: String = name
        .chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned();
    let spec = NetworkPolicySpec {
        name: name.clone(),
        namespace: ns(req),
        pod_selector: targets,
        direction: if allow {
            PolicyDirection::Ingress
        } else {
            direction
        },
        from_pods: (!from_pods.is_empty()).then_some(from_pods),
        from_namespaces: from_ns
            .map(|n| Labels::from([("kubernetes.io/metadata.name".to_owned(), n)])),
        ports: if allow { ports } else { Vec::new() },
    };
    let mut p = req.proposed(format!("{summary} (NetworkPolicy {name}){}", req.in_ns()));
    p.manifests.push(spec.build());
    p
}
