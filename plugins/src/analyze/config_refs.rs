//! References from pod templates to ConfigMaps, Secrets and ServiceAccounts that do not exist
//! (or lack the key read): env, envFrom, volumes (projected too), imagePullSecrets and
//! serviceAccountName. Reported on the object a person edits — the workload, or a bare pod —
//! once per missing object, with every place it is referenced.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{Map, Value, json};

use super::finding::{Finding, ObjectRef, Severity};
use super::owners::controller;
use super::snapshot::Kind;
use super::{Cx, Findings, docs, fix};

/// Analyzes the pod templates of every workload and the specs of bare pods.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    let s = cx.snap;
    let templates = s
        .deployments
        .iter()
        .map(|d| ("Deployment", &d.metadata, d.spec.template.spec.as_ref()))
        .chain(
            s.stateful_sets
                .iter()
                .map(|d| ("StatefulSet", &d.metadata, d.spec.template.spec.as_ref())),
        )
        .chain(
            s.daemon_sets
                .iter()
                .map(|d| ("DaemonSet", &d.metadata, d.spec.template.spec.as_ref())),
        )
        .chain(
            s.jobs
                .iter()
                .filter(|j| controller(&j.metadata).is_none())
                .map(|d| {
                    (
                        "Job",
                        &d.metadata,
                        d.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
                    )
                }),
        )
        .chain(s.cron_jobs.iter().map(|c| {
            let spec = c
                .spec
                .job_template
                .spec
                .as_ref()
                .and_then(|j| j.template.spec.as_ref());
            ("CronJob", &c.metadata, spec)
        }))
        .chain(
            s.pods
                .iter()
                .filter(|p| controller(&p.metadata).is_none())
                .map(|p| ("Pod", &p.metadata, p.spec.as_ref())),
        );
    for (kind, meta, spec) in templates {
        if let Some(spec) = spec {
            check(cx, kind, meta, spec, out);
        }
    }
}

/// What a template refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    ConfigMap,
    Secret,
    ServiceAccount,
    PullSecret,
}

impl Target {
    fn kind(self) -> &'static str {
        match self {
            Target::ConfigMap => "ConfigMap",
            Target::Secret | Target::PullSecret => "Secret",
            Target::ServiceAccount => "ServiceAccount",
        }
    }
}

/// Every place one object is referenced, and the keys read from it.
#[derive(Debug, Default)]
struct Uses {
    places: Vec<String>,
    keys: BTreeMap<String, String>,
}

fn collect(spec: &PodSpec) -> BTreeMap<(Target, String), Uses> {
    let mut refs: BTreeMap<(Target, String), Uses> = BTreeMap::new();
    let mut add = |t: Target, name: &str, place: String, key: Option<&str>| {
        let u = refs.entry((t, name.to_owned())).or_default();
        if let Some(k) = key {
            u.keys.entry(k.to_owned()).or_insert_with(|| place.clone());
        }
        if !u.places.contains(&place) {
            u.places.push(place);
        }
    };
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        add(
            Target::ServiceAccount,
            sa,
            "serviceAccountName".into(),
            None,
        );
    }
    for s in spec.image_pull_secrets.iter().flatten() {
        add(Target::PullSecret, &s.name, "imagePullSecrets".into(), None);
    }
    let containers = spec
        .init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter());
    for c in containers {
        for e in c.env.iter().flatten() {
            let Some(from) = &e.value_from else { continue };
            let place = format!("container {} env {}", c.name, e.name);
            if let Some(r) = from
                .config_map_key_ref
                .as_ref()
                .filter(|r| r.optional != Some(true))
            {
                add(Target::ConfigMap, &r.name, place.clone(), Some(&r.key));
            }
            if let Some(r) = from
                .secret_key_ref
                .as_ref()
                .filter(|r| r.optional != Some(true))
            {
                add(Target::Secret, &r.name, place, Some(&r.key));
            }
        }
        for e in c.env_from.iter().flatten() {
            let place = format!("container {} envFrom", c.name);
            if let Some(r) = e
                .config_map_ref
                .as_ref()
                .filter(|r| r.optional != Some(true))
            {
                add(Target::ConfigMap, &r.name, place.clone(), None);
            }
            if let Some(r) = e.secret_ref.as_ref().filter(|r| r.optional != Some(true)) {
                add(Target::Secret, &r.name, place, None);
            }
        }
    }
    for v in spec.volumes.iter().flatten() {
        let place = format!("volume {}", v.name);
        if let Some(c) = v.config_map.as_ref().filter(|c| c.optional != Some(true)) {
            add(Target::ConfigMap, &c.name, place.clone(), None);
            for i in c.items.iter().flatten() {
                add(Target::ConfigMap, &c.name, place.clone(), Some(&i.key));
            }
        }
        if let Some(s) = v.secret.as_ref().filter(|s| s.optional != Some(true)) {
            let name = s.secret_name.as_deref().unwrap_or_default();
            add(Target::Secret, name, place.clone(), None);
            for i in s.items.iter().flatten() {
                add(Target::Secret, name, place.clone(), Some(&i.key));
            }
        }
        for src in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(c) = src.config_map.as_ref().filter(|c| c.optional != Some(true)) {
                add(Target::ConfigMap, &c.name, place.clone(), None);
                for i in c.items.iter().flatten() {
                    add(Target::ConfigMap, &c.name, place.clone(), Some(&i.key));
                }
            }
            if let Some(s) = src.secret.as_ref().filter(|s| s.optional != Some(true)) {
                add(Target::Secret, &s.name, place.clone(), None);
                for i in s.items.iter().flatten() {
                    add(Target::Secret, &s.name, place.clone(), Some(&i.key));
                }
            }
        }
    }
    refs
}

/// The keys a ConfigMap or Secret holds; `None` when it does not exist.
fn keys_of<'a>(cx: &'a Cx, t: Target, ns: &str, name: &str) -> Option<Vec<&'a str>> {
    match t {
        Target::ConfigMap => {
            let cm = cx.index.config_maps.get(&(ns, name))?;
            Some(
                cm.data
                    .iter()
                    .flat_map(|d| d.keys())
                    .chain(cm.binary_data.iter().flat_map(|d| d.keys()))
                    .map(String::as_str)
                    .collect(),
            )
        }
        Target::Secret | Target::PullSecret => {
            let s = cx.index.secrets.get(&(ns, name))?;
            Some(
                s.data
                    .iter()
                    .flat_map(|d| d.keys())
                    .chain(s.string_data.iter().flat_map(|d| d.keys()))
                    .map(String::as_str)
                    .collect(),
            )
        }
        Target::ServiceAccount => cx
            .index
            .service_accounts
            .get(&(ns, name))
            .map(|_| Vec::new()),
    }
}

fn listed(cx: &Cx, t: Target) -> bool {
    cx.snap.was_listed(match t {
        Target::ConfigMap => Kind::ConfigMap,
        Target::Secret | Target::PullSecret => Kind::Secret,
        Target::ServiceAccount => Kind::ServiceAccount,
    })
}

fn check(cx: &Cx, kind: &str, meta: &ObjectMeta, spec: &PodSpec, out: &mut Findings) {
    let ns = meta.namespace.as_deref().unwrap_or_default();
    let owner = meta.name.as_deref().unwrap_or_default();
    for ((t, name), uses) in collect(spec) {
        if !listed(cx, t) {
            continue;
        }
        let object = ObjectRef::namespaced(kind, ns, owner);
        let places = uses.places.join(", ");
        let what = t.kind();
        let docs_page = match t {
            Target::ConfigMap => docs::CONFIGMAP,
            Target::Secret => docs::SECRET,
            Target::PullSecret => docs::IMAGES,
            Target::ServiceAccount => docs::SERVICE_ACCOUNT,
        };
        match keys_of(cx, t, ns, &name) {
            None => {
                let (id, severity, effect) = match t {
                    Target::ConfigMap => (
                        "ref.missing-configmap",
                        Severity::Error,
                        "its containers cannot be created (CreateContainerConfigError) or its \
                         volume cannot be mounted",
                    ),
                    Target::Secret => (
                        "ref.missing-secret",
                        Severity::Error,
                        "its containers cannot be created (CreateContainerConfigError) or its \
                         volume cannot be mounted",
                    ),
                    Target::PullSecret => (
                        "ref.missing-pull-secret",
                        Severity::Warning,
                        "images from a private registry cannot be pulled",
                    ),
                    Target::ServiceAccount => (
                        "ref.missing-service-account",
                        Severity::Error,
                        "its pods are refused at creation (the controller reports FailedCreate)",
                    ),
                };
                let fix = (t == Target::ConfigMap && !uses.keys.is_empty())
                    .then(|| config_map_fix(ns, &name, &uses.keys, false));
                out.push(
                    Finding::new(
                        id,
                        severity,
                        object,
                        format!("{kind} {owner} references {what} {name}, which does not exist"),
                        format!(
                            "{what} {name} does not exist in namespace {ns}, so {effect}. \
                             Create it, correct the name, or (for optional configuration) mark \
                             the reference optional."
                        ),
                        docs_page,
                    )
                    .evidence("referenced by", places)
                    .with_fix(fix),
                );
            }
            Some(have) => {
                let missing: BTreeMap<String, String> = uses
                    .keys
                    .iter()
                    .filter(|(k, _)| !have.contains(&k.as_str()))
                    .map(|(k, p)| (k.clone(), p.clone()))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let list = missing.keys().cloned().collect::<Vec<_>>().join(", ");
                let (id, fix) = match t {
                    Target::ConfigMap => (
                        "ref.missing-configmap-key",
                        Some(config_map_fix(ns, &name, &missing, true)),
                    ),
                    _ => ("ref.missing-secret-key", None),
                };
                let mut existing = have.clone();
                existing.sort_unstable();
                out.push(
                    Finding::new(
                        id,
                        Severity::Error,
                        object,
                        format!(
                            "{kind} {owner} reads key(s) {list} of {what} {name}, which lacks them"
                        ),
                        format!(
                            "{what} {name} exists but has no key {list}: containers that read it \
                             cannot be created (CreateContainerConfigError). Add the key, or \
                             correct the key name in the reference."
                        ),
                        docs_page,
                    )
                    .evidence(
                        "referenced by",
                        missing
                            .iter()
                            .map(|(k, p)| format!("{k} ({p})"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                    .evidence(format!("{what} {name} keys"), existing.join(", "))
                    .with_fix(fix),
                );
            }
        }
    }
}

/// A ConfigMap carrying only `keys` (placeholders marked TODO): created when missing, or
/// merged into the existing one by server-side apply, which leaves its other keys alone.
fn config_map_fix(
    ns: &str,
    name: &str,
    keys: &BTreeMap<String, String>,
    exists: bool,
) -> crate::proposal::Proposal {
    let data: Map<String, Value> = keys.keys().map(|k| (k.clone(), json!(fix::TODO))).collect();
    let manifest = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns},
        "data": data,
    });
    let list = keys.keys().cloned().collect::<Vec<_>>().join(", ");
    let summary = if exists {
        format!(
            "Add key(s) {list} to ConfigMap {name} (values are placeholders marked TODO: set \
             them before applying); the pods that read them can then start. The other keys \
             are left as they are"
        )
    } else {
        format!(
            "Create ConfigMap {name} with key(s) {list} (values are placeholders marked TODO: \
             set them before applying) so the pods that read them can start"
        )
    };
    fix::proposal(
        format!("add {list} to configmap {name} in namespace {ns}"),
        summary,
        vec![manifest],
    )
}
