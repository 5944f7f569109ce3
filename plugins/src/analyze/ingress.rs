//! Ingresses: a class that does not exist (or none and no default), backends naming a Service
//! or port that does not exist, TLS Secrets that are missing or are not TLS Secrets.

use std::collections::BTreeSet;

use k8s_openapi::api::networking::v1::{Ingress, IngressBackend};

use super::finding::{Finding, ObjectRef, Severity};
use super::snapshot::Kind;
use super::{Cx, Findings, docs};

/// Analyzes every Ingress.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    for ing in &cx.snap.ingresses {
        class(cx, ing, out);
        backends(cx, ing, out);
        tls(cx, ing, out);
    }
}

fn object(ing: &Ingress) -> ObjectRef {
    let (ns, name) = super::index::ns_name(&ing.metadata);
    ObjectRef::namespaced("Ingress", ns, name)
}

fn class(cx: &Cx, ing: &Ingress, out: &mut Findings) {
    if !cx.snap.was_listed(Kind::IngressClass) {
        return;
    }
    let name = ing.metadata.name.as_deref().unwrap_or_default();
    let named = ing
        .spec
        .as_ref()
        .and_then(|s| s.ingress_class_name.as_deref())
        .or_else(|| {
            ing.metadata
                .annotations
                .as_ref()?
                .get("kubernetes.io/ingress.class")
                .map(String::as_str)
        });
    let classes: Vec<&str> = {
        let mut c: Vec<&str> = cx.index.ingress_classes.keys().copied().collect();
        c.sort_unstable();
        c
    };
    let available = if classes.is_empty() {
        "none".to_owned()
    } else {
        classes.join(", ")
    };
    match named {
        Some(c) if !cx.index.ingress_classes.contains_key(c) => out.push(
            Finding::new(
                "ingress.missing-class",
                Severity::Error,
                object(ing),
                format!("Ingress {name} uses IngressClass {c}, which does not exist"),
                format!(
                    "No IngressClass {c} exists, so no ingress controller serves this \
                     Ingress and its routes do nothing. Use one of the classes the cluster \
                     has ({available}), or install the controller for {c}."
                ),
                docs::INGRESS,
            )
            .evidence("spec.ingressClassName", c)
            .evidence("IngressClasses in the cluster", available),
        ),
        None if !cx.index.ingress_classes.values().any(|default| *default) => out.push(
            Finding::new(
                "ingress.no-class",
                Severity::Warning,
                object(ing),
                format!("Ingress {name} names no IngressClass and there is no default"),
                format!(
                    "Without spec.ingressClassName and without a default IngressClass, no \
                     controller is bound to serve this Ingress. Set ingressClassName to one \
                     of: {available}."
                ),
                docs::INGRESS,
            )
            .evidence("spec.ingressClassName", "(unset)")
            .evidence("IngressClasses in the cluster", available),
        ),
        _ => {}
    }
}

/// Every Service backend of the Ingress, with where it is used.
fn service_backends(ing: &Ingress) -> Vec<(String, &IngressBackend)> {
    let Some(spec) = ing.spec.as_ref() else {
        return Vec::new();
    };
    let mut all: Vec<(String, &IngressBackend)> = Vec::new();
    if let Some(b) = &spec.default_backend {
        all.push(("spec.defaultBackend".into(), b));
    }
    for rule in spec.rules.iter().flatten() {
        let host = rule.host.as_deref().unwrap_or("*");
        for p in rule.http.iter().flat_map(|h| h.paths.iter()) {
            let path = p.path.as_deref().unwrap_or("/");
            all.push((format!("rule {host}{path}"), &p.backend));
        }
    }
    all
}

fn backends(cx: &Cx, ing: &Ingress, out: &mut Findings) {
    if !cx.snap.was_listed(Kind::Service) {
        return;
    }
    let (ns, name) = super::index::ns_name(&ing.metadata);
    let mut missing: BTreeSet<String> = BTreeSet::new();
    let mut missing_at: Vec<String> = Vec::new();
    let mut bad_ports: Vec<String> = Vec::new();
    for (at, b) in service_backends(ing) {
        let Some(s) = &b.service else { continue };
        let Some(svc) = cx.index.services.get(&(ns, s.name.as_str())) else {
            missing.insert(s.name.clone());
            missing_at.push(format!("{at} → {}", s.name));
            continue;
        };
        let ports = svc
            .spec
            .as_ref()
            .and_then(|s| s.ports.as_deref())
            .unwrap_or_default();
        let Some(want) = &s.port else { continue };
        let ok = match (&want.name, want.number) {
            (Some(n), _) => ports.iter().any(|p| p.name.as_deref() == Some(n.as_str())),
            (None, Some(n)) => ports.iter().any(|p| p.port == n),
            (None, None) => true,
        };
        if !ok {
            let has: Vec<String> = ports
                .iter()
                .map(|p| match &p.name {
                    Some(n) => format!("{} ({n})", p.port),
                    None => p.port.to_string(),
                })
                .collect();
            let wanted = want
                .name
                .clone()
                .or(want.number.map(|n| n.to_string()))
                .unwrap_or_default();
            bad_ports.push(format!(
                "{at} → {}:{wanted} (the Service has {})",
                s.name,
                if has.is_empty() {
                    "no ports".into()
                } else {
                    has.join(", ")
                }
            ));
        }
    }
    if !missing.is_empty() {
        let list = missing.into_iter().collect::<Vec<_>>().join(", ");
        out.push(
            Finding::new(
                "ingress.missing-backend",
                Severity::Error,
                object(ing),
                format!("Ingress {name} routes to Service(s) {list}, which do not exist"),
                format!(
                    "The backend Service(s) {list} do not exist in namespace {ns}: requests \
                     for those routes fail (typically 503 from the controller). Create the \
                     Service or correct the name."
                ),
                docs::INGRESS,
            )
            .evidence("backends", missing_at.join("; ")),
        );
    }
    if !bad_ports.is_empty() {
        out.push(
            Finding::new(
                "ingress.backend-port",
                Severity::Error,
                object(ing),
                format!("Ingress {name} routes to a port its backend Service does not have"),
                "A backend names a Service port (by number or name) the Service does not \
                 define, so the controller has nowhere to send those requests. Use one of the \
                 Service's ports."
                    .to_owned(),
                docs::INGRESS,
            )
            .evidence("backends", bad_ports.join("; ")),
        );
    }
}

fn tls(cx: &Cx, ing: &Ingress, out: &mut Findings) {
    if !cx.snap.was_listed(Kind::Secret) {
        return;
    }
    let (ns, name) = super::index::ns_name(&ing.metadata);
    for t in ing.spec.iter().flat_map(|s| s.tls.iter().flatten()) {
        let Some(secret) = t.secret_name.as_deref().filter(|s| !s.is_empty()) else {
            continue;
        };
        let hosts = t.hosts.as_deref().unwrap_or_default().join(", ");
        let problem = match cx.index.secrets.get(&(ns, secret)) {
            None => Some(format!(
                "Secret {secret} does not exist in namespace {ns}: the controller serves \
                 {hosts} with its default (self-signed) certificate, which browsers reject. \
                 Create the TLS Secret (or let cert-manager issue it) or fix the name."
            )),
            Some(s) => {
                let keys: Vec<&str> = s
                    .data
                    .iter()
                    .flat_map(|d| d.keys())
                    .map(String::as_str)
                    .collect();
                (!(keys.contains(&"tls.crt") && keys.contains(&"tls.key"))).then(|| {
                    format!(
                        "Secret {secret} has no tls.crt/tls.key (it has: {}), so it is not a \
                         TLS certificate; the controller falls back to its default one.",
                        if keys.is_empty() {
                            "nothing".into()
                        } else {
                            keys.join(", ")
                        }
                    )
                })
            }
        };
        if let Some(cause) = problem {
            out.push(
                Finding::new(
                    "ingress.tls-secret",
                    Severity::Error,
                    object(ing),
                    format!("Ingress {name}: TLS Secret {secret} is missing or not a TLS Secret"),
                    cause,
                    docs::INGRESS,
                )
                .evidence("spec.tls[].secretName", secret),
            );
        }
    }
}
