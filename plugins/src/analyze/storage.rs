//! PersistentVolumeClaims: pending because provisioning failed, the StorageClass does not
//! exist, or none is named and there is no default; lost volumes. A claim made from a
//! StatefulSet template whose class is already reported is folded into that finding.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::PersistentVolumeClaim;

use super::finding::{Evidence, Finding, ObjectRef, Severity};
use super::snapshot::Kind;
use super::{Cx, Findings, docs, events};

/// Analyzes every PVC.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    // `<template>-<statefulset>-` → the StatefulSet, per namespace.
    let mut templates: HashMap<&str, Vec<(String, &str)>> = HashMap::new();
    for s in &cx.snap.stateful_sets {
        let (ns, name) = super::index::ns_name(&s.metadata);
        for t in s.spec.volume_claim_templates.iter().flatten() {
            let claim = t.metadata.name.as_deref().unwrap_or_default();
            templates
                .entry(ns)
                .or_default()
                .push((format!("{claim}-{name}-"), name));
        }
    }
    for pvc in &cx.snap.pvcs {
        let Some(finding) = check(cx, pvc) else {
            continue;
        };
        let (ns, name) = super::index::ns_name(&pvc.metadata);
        let owner = templates
            .get(ns)
            .into_iter()
            .flatten()
            .find(|(prefix, _)| name.starts_with(prefix.as_str()))
            .map(|(_, sts)| *sts);
        if let Some(sts) = owner
            && let Some(f) = out.find_mut("StatefulSet", Some(ns), sts, |f| {
                f.id == "statefulset.storage-class"
            })
        {
            f.evidence.push(Evidence::new(
                format!("claim {name}"),
                format!("{} ({})", finding.title, finding.id),
            ));
            continue;
        }
        out.push(finding);
    }
}

fn check(cx: &Cx, pvc: &PersistentVolumeClaim) -> Option<Finding> {
    let (ns, name) = super::index::ns_name(&pvc.metadata);
    let phase = pvc.status.as_ref().and_then(|s| s.phase.as_deref())?;
    let object = ObjectRef::namespaced("PersistentVolumeClaim", ns, name);
    let spec = pvc.spec.as_ref();
    let class = spec.and_then(|s| s.storage_class_name.as_deref());
    if phase == "Lost" {
        return Some(
            Finding::new(
                "pvc.lost",
                Severity::Error,
                object,
                format!("PersistentVolumeClaim {name} lost its volume"),
                "The PersistentVolume the claim was bound to no longer exists; pods using \
                 the claim cannot start. Restore the volume or recreate the claim (the data \
                 on the lost volume is gone unless it is restored from a backup).",
                docs::PV,
            )
            .evidence("status.phase", "Lost"),
        );
    }
    if phase != "Pending" {
        return None;
    }
    let evs = cx.index.events("PersistentVolumeClaim", ns, name);
    let failed = events::quoted(evs, &["ProvisioningFailed"], 2);
    let classes_listed = cx.snap.was_listed(Kind::StorageClass);
    let static_volume = spec.and_then(|s| s.volume_name.as_deref()).is_some();
    let (id, title, cause) = if !failed.is_empty() {
        (
            "pvc.provisioning-failed",
            format!("PersistentVolumeClaim {name} cannot be provisioned"),
            format!(
                "The provisioner of StorageClass {} fails to create a volume for the claim \
                 (quota, capacity, zone or parameters; the event says which); pods using it \
                 stay Pending.",
                class.unwrap_or("(default)")
            ),
        )
    } else if let Some(c) = class.filter(|c| !c.is_empty())
        && classes_listed
        && !cx.index.storage_classes.contains_key(c)
    {
        (
            "pvc.missing-storage-class",
            format!("PersistentVolumeClaim {name} asks for StorageClass {c}, which does not exist"),
            format!(
                "No StorageClass {c} exists, so nothing provisions a volume and the claim stays \
                 Pending. A claim's class cannot be changed: recreate it with one of the \
                 cluster's classes ({}).",
                class_names(cx)
            ),
        )
    } else if class.is_none()
        && !static_volume
        && classes_listed
        && cx.index.default_storage_class.is_none()
    {
        (
            "pvc.no-storage-class",
            format!("PersistentVolumeClaim {name} names no StorageClass and there is no default"),
            format!(
                "Without storageClassName and without a default StorageClass, the claim waits \
                 for a matching PersistentVolume created by hand. Name a class ({}) or mark \
                 one as default.",
                class_names(cx)
            ),
        )
    } else {
        return None; // waiting for its first consumer, or for a provisioner still at work
    };
    Some(
        Finding::new(
            id,
            Severity::Error,
            object,
            title,
            cause,
            docs::STORAGE_CLASS,
        )
        .evidence("status.phase", "Pending")
        .evidence("spec.storageClassName", class.unwrap_or("(unset)"))
        .with_evidence(failed),
    )
}

fn class_names(cx: &Cx) -> String {
    let mut names: Vec<&str> = cx.index.storage_classes.keys().copied().collect();
    names.sort_unstable();
    if names.is_empty() {
        "the cluster has none".into()
    } else {
        names.join(", ")
    }
}
