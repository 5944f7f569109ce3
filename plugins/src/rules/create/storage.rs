//! Namespaces and PersistentVolumeClaims.

use shipmate_manifests::build::{Labels, PvcSpec, namespace as namespace_object};

use super::{name_or_ask, ns, pairs_with};
use crate::proposal::Proposal;
use crate::rules::req::Req;
use crate::rules::slots::PairRole;

/// A Namespace, with labels (and a Pod Security level when one is named).
pub fn namespace(req: &mut Req, idx: Option<usize>) -> Proposal {
    let name = match name_or_ask(req, idx, "Namespace") {
        Ok(n) => n,
        Err(p) => return *p,
    };
    let mut labels: Labels = pairs_with(req, &[PairRole::Label, PairRole::Plain])
        .into_iter()
        .collect();
    for level in ["restricted", "baseline", "privileged"] {
        if req.w.has(&[level]) {
            labels.insert("pod-security.kubernetes.io/enforce".into(), level.into());
        }
    }
    let mut p = req.proposed(format!("Create namespace {name}"));
    p.manifests.push(namespace_object(&name, &labels));
    p
}

/// A PersistentVolumeClaim.
pub fn pvc(req: &mut Req, idx: Option<usize>) -> Proposal {
    let name = match name_or_ask(req, idx, "PersistentVolumeClaim") {
        Ok(n) => n,
        Err(p) => return *p,
    };
    let Some(size) = req.s.storage.size.clone() else {
        return req.needs(
            format!("PersistentVolumeClaim {name} needs a size."),
            vec!["How much storage should it request (e.g. 10Gi)?".into()],
        );
    };
    let spec = PvcSpec {
        name: name.clone(),
        namespace: ns(req),
        size: size.clone(),
        storage_class: req.s.storage.class.clone(),
        access_mode: req
            .s
            .storage
            .access_mode
            .clone()
            .unwrap_or_else(|| "ReadWriteOnce".into()),
    };
    let mut p = req.proposed(format!(
        "Create PersistentVolumeClaim {name} of {size} ({}){}",
        spec.access_mode,
        req.in_ns()
    ));
    p.manifests.push(spec.build());
    p
}
