//! Services without endpoints — a selector that matches no pod (with the near-miss pods and
//! the label that differs, and a fix when one label is off), or matching pods that are not
//! ready — and target ports the pods do not expose.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{Pod, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::finding::{Evidence, Finding, ObjectRef, Severity};
use super::index::{NsPods, label};
use super::pod_state::{is_ready, is_terminal};
use super::snapshot::Kind;
use super::{Cx, Findings, docs, fix};
use crate::proposal::Proposal;

/// How many near-miss pods a finding names.
const MAX_NAMED: usize = 5;

/// Analyzes every Service with a selector.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    if !cx.snap.was_listed(Kind::Pod) {
        return; // without the pods, every Service would look empty
    }
    let slices = endpoint_counts(cx);
    for svc in &cx.snap.services {
        let Some(spec) = svc.spec.as_ref() else {
            continue;
        };
        let Some(selector) = spec.selector.as_ref().filter(|s| !s.is_empty()) else {
            continue; // endpoints managed by hand
        };
        if spec.type_.as_deref() == Some("ExternalName") {
            continue;
        }
        let (ns, name) = super::index::ns_name(&svc.metadata);
        let matched: Vec<&Pod> = cx
            .index
            .pods_matching_labels(ns, selector)
            .into_iter()
            .filter(|p| !is_terminal(p))
            .collect();
        let slice_evidence = slices.get(&(ns, name)).map(|(ready, total)| {
            Evidence::new(
                "endpointslices",
                format!("{ready} ready of {total} endpoint(s)"),
            )
        });
        if matched.is_empty() {
            out.push(no_pods(cx, svc, selector).with_evidence(slice_evidence));
            continue;
        }
        let publish_not_ready = spec.publish_not_ready_addresses == Some(true);
        if !publish_not_ready && !matched.iter().any(|p| is_ready(p)) {
            let impact = Evidence::new(
                format!("Service {name}"),
                format!(
                    "no ready endpoints ({} pod(s) selected, none ready)",
                    matched.len()
                ),
            );
            // The pods' workload is already reported unavailable: the Service going dark is
            // the same cause, added there as its impact.
            if let Some(f) = workload_finding(cx, out, ns, &matched) {
                f.evidence.push(impact);
            } else {
                out.push(not_ready(out, svc, &matched).with_evidence(slice_evidence));
            }
        }
        for port in spec.ports.iter().flatten() {
            if let Some(f) = target_port(svc, port, &matched) {
                out.push(f);
            }
        }
    }
}

/// `(ready, total)` endpoints per Service, from its EndpointSlices (when they were listed).
fn endpoint_counts<'a>(cx: &Cx<'a>) -> HashMap<(&'a str, &'a str), (usize, usize)> {
    let mut counts: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    if !cx.snap.was_listed(Kind::EndpointSlice) {
        return counts;
    }
    for s in &cx.snap.endpoint_slices {
        let Some(svc) = label(&s.metadata, "kubernetes.io/service-name") else {
            continue;
        };
        let ns = s.metadata.namespace.as_deref().unwrap_or_default();
        let c = counts.entry((ns, svc)).or_default();
        for e in s.endpoints.iter().flatten() {
            c.1 += 1;
            if e.conditions.as_ref().and_then(|c| c.ready) != Some(false) {
                c.0 += 1;
            }
        }
    }
    counts
}

fn selector_text(selector: &BTreeMap<String, String>) -> String {
    selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn names(pods: &[&Pod]) -> String {
    let mut n: Vec<&str> = pods
        .iter()
        .take(MAX_NAMED)
        .map(|p| p.metadata.name.as_deref().unwrap_or_default())
        .collect();
    if pods.len() > MAX_NAMED {
        n.push("…");
    }
    n.join(", ")
}

/// Pods that miss the selector by one label, grouped by (key, the value they have).
fn near_misses<'a>(
    nsp: &NsPods<'a>,
    selector: &BTreeMap<String, String>,
) -> BTreeMap<(String, Option<String>), Vec<&'a Pod>> {
    let mut groups: BTreeMap<(String, Option<String>), Vec<&'a Pod>> = BTreeMap::new();
    if selector.len() >= 2 {
        for (pod, key) in nsp.near_misses(selector) {
            if is_terminal(pod) {
                continue;
            }
            let has = label(&pod.metadata, key).map(str::to_owned);
            groups.entry((key.to_owned(), has)).or_default().push(pod);
        }
    } else if let Some((key, want)) = selector.iter().next() {
        // One label: pods whose value for it looks like a typo of the wanted one.
        for pod in nsp.with_key(key) {
            let Some(have) = label(&pod.metadata, key) else {
                continue;
            };
            if have != want && !is_terminal(pod) && similar(have, want) {
                groups
                    .entry((key.clone(), Some(have.to_owned())))
                    .or_default()
                    .push(pod);
            }
        }
    }
    groups
}

/// Whether two label values look like the same word mistyped (`web`/`webb`, `api`/`apl`).
fn similar(a: &str, b: &str) -> bool {
    let d = strsim::damerau_levenshtein(a, b);
    d <= 2 && d * 3 <= a.len().max(b.len()) || a.eq_ignore_ascii_case(b)
}

fn no_pods(cx: &Cx, svc: &Service, selector: &BTreeMap<String, String>) -> Finding {
    let (ns, name) = super::index::ns_name(&svc.metadata);
    let sel = selector_text(selector);
    let groups = cx
        .index
        .ns_pods(ns)
        .map(|nsp| near_misses(nsp, selector))
        .unwrap_or_default();
    let mut cause = format!(
        "The selector {sel} matches no running pod in namespace {ns}, so the Service has no endpoints and connections to it fail."
    );
    let mut evidence = vec![Evidence::new("spec.selector", sel.clone())];
    let mut fix = None;
    if groups.is_empty() {
        let mut elsewhere: Vec<&str> = cx
            .index
            .namespaces()
            .filter(|(other, nsp)| *other != ns && !nsp.matching(selector).is_empty())
            .map(|(other, _)| other)
            .collect();
        elsewhere.sort_unstable();
        if let Some(other) = elsewhere.first() {
            cause.push_str(&format!(
                " Pods with these labels run in namespace {other}, but a Service only selects \
                 pods in its own namespace."
            ));
        } else {
            cause.push_str(
                " No pod carries labels close to it either: the workload may not be deployed, \
                 or it is scaled to zero.",
            );
        }
    } else {
        for ((key, has), pods) in &groups {
            let want = &selector[key];
            let what = match has {
                Some(v) => format!("{key}={v} where the selector wants {key}={want}"),
                None => format!("no label {key} (the selector wants {key}={want})"),
            };
            cause.push_str(&format!(
                " Pod(s) {} match every other label but have {what}.",
                names(pods)
            ));
            evidence.push(Evidence::new(
                format!("near-miss pods ({key})"),
                format!("{}: {}", names(pods), what),
            ));
        }
        if groups.len() == 1
            && let Some(((key, has), pods)) = groups.iter().next()
        {
            fix = selector_fix(svc, selector, key, has.as_deref(), pods);
            cause.push_str(
                " Changing the Service's selector is the smaller fix (pod labels come from the \
                 workload's template, and a Deployment's selector cannot change); if the pods \
                 are the ones that are wrong, change their template's labels instead.",
            );
        }
    }
    Finding::new(
        "service.no-endpoints",
        Severity::Critical,
        ObjectRef::namespaced("Service", ns, name),
        format!("Service {name} selects no pods"),
        cause,
        docs::DEBUG_SERVICE,
    )
    .with_evidence(evidence)
    .with_fix(fix)
}

fn selector_fix(
    svc: &Service,
    selector: &BTreeMap<String, String>,
    key: &str,
    has: Option<&str>,
    pods: &[&Pod],
) -> Option<Proposal> {
    let (ns, name) = super::index::ns_name(&svc.metadata);
    let mut manifest = fix::manifest_of(svc)?;
    let mut new = selector.clone();
    match has {
        Some(v) => {
            new.insert(key.to_owned(), v.to_owned());
        }
        None => {
            new.remove(key);
        }
    }
    manifest["spec"]["selector"] = serde_json::to_value(&new).ok()?;
    Some(fix::proposal(
        format!("fix the selector of service {name} in namespace {ns}"),
        format!(
            "Change the selector of Service {name} from {} to {} so it selects the {} pod(s) \
             that match it in every other label ({})",
            selector_text(selector),
            selector_text(&new),
            pods.len(),
            names(pods)
        ),
        vec![manifest],
    ))
}

/// The finding about the one workload all of `pods` belong to, if it has one.
fn workload_finding<'o>(
    cx: &Cx,
    out: &'o mut Findings,
    ns: &str,
    pods: &[&Pod],
) -> Option<&'o mut Finding> {
    let first = cx.owners.root_of_pod(pods.first()?)?;
    if pods[1..]
        .iter()
        .any(|p| cx.owners.root_of_pod(p).as_ref() != Some(&first))
    {
        return None;
    }
    out.find_mut(&first.kind, Some(ns), &first.name, |_| true)
}

fn not_ready(out: &Findings, svc: &Service, matched: &[&Pod]) -> Finding {
    let (ns, name) = super::index::ns_name(&svc.metadata);
    let ptrs: Vec<String> = matched
        .iter()
        .flat_map(|p| {
            out.about(
                "Pod",
                Some(ns),
                p.metadata.name.as_deref().unwrap_or_default(),
            )
            .map(|f| format!("{} ({})", f.title, f.id))
        })
        .collect();
    let mut cause = format!(
        "The selector matches {} pod(s), but none is ready, so the Service has no ready \
         endpoints and connections to it fail.",
        matched.len()
    );
    if ptrs.is_empty() {
        cause.push_str(" Their readiness probes fail or they are still starting.");
    } else {
        cause.push_str(&format!(
            " See the findings about them: {}.",
            ptrs.join("; ")
        ));
    }
    Finding::new(
        "service.no-ready-endpoints",
        Severity::Critical,
        ObjectRef::namespaced("Service", ns, name),
        format!("Service {name} has no ready endpoints"),
        cause,
        docs::DEBUG_SERVICE,
    )
    .evidence("pods selected (none ready)", names(matched))
}

/// The container ports the pods declare: numbers and names.
fn declared(pods: &[&Pod]) -> (Vec<i32>, Vec<(String, i32)>) {
    let mut numbers = Vec::new();
    let mut named = Vec::new();
    for p in pods {
        for c in p.spec.iter().flat_map(|s| s.containers.iter()) {
            for port in c.ports.iter().flatten() {
                numbers.push(port.container_port);
                if let Some(n) = &port.name {
                    named.push((n.clone(), port.container_port));
                }
            }
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    named.sort();
    named.dedup();
    (numbers, named)
}

fn target_port(svc: &Service, port: &ServicePort, pods: &[&Pod]) -> Option<Finding> {
    let (ns, name) = super::index::ns_name(&svc.metadata);
    let (numbers, named) = declared(pods);
    let declared_text = || {
        let mut parts: Vec<String> = numbers.iter().map(i32::to_string).collect();
        parts.extend(named.iter().map(|(n, p)| format!("{n} ({p})")));
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        }
    };
    let port_name = port.name.clone().unwrap_or_else(|| port.port.to_string());
    let (severity, title, cause, target) = match &port.target_port {
        Some(IntOrString::String(t)) if !named.iter().any(|(n, _)| n == t) => (
            Severity::Error,
            format!("Service {name} targets port name {t}, which its pods do not define"),
            format!(
                "Service port {port_name} sends traffic to the container port named {t}, but \
                 no container of the selected pods has a port of that name, so the endpoints \
                 get no port for it and connections fail. Name the container port {t}, or set \
                 targetPort to a port the pods use."
            ),
            t.clone(),
        ),
        Some(IntOrString::Int(n)) if !numbers.is_empty() && !numbers.contains(n) => (
            Severity::Warning,
            format!("Service {name} targets port {n}, which its pods do not declare"),
            format!(
                "Service port {port_name} sends traffic to port {n}, but the selected pods \
                 declare other ports. Unless the application also listens on {n} (undeclared), \
                 connections are refused; point targetPort at the port it listens on."
            ),
            n.to_string(),
        ),
        None if !numbers.is_empty() && !numbers.contains(&port.port) => (
            Severity::Warning,
            format!(
                "Service {name} targets port {}, which its pods do not declare",
                port.port
            ),
            format!(
                "Service port {port_name} has no targetPort, so traffic goes to port {} on \
                 the pods, which declare other ports; set targetPort to the port the \
                 application listens on.",
                port.port
            ),
            port.port.to_string(),
        ),
        _ => return None,
    };
    Some(
        Finding::new(
            "service.target-port",
            severity,
            ObjectRef::namespaced("Service", ns, name),
            title,
            cause,
            docs::SERVICE,
        )
        .evidence(format!("spec.ports[{port_name}].targetPort"), target)
        .evidence("ports the pods declare", declared_text()),
    )
}
