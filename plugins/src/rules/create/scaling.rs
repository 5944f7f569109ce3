//! HorizontalPodAutoscalers and PodDisruptionBudgets.

use shipmate_manifests::build::{DisruptionBudget, HpaSpec, Labels, NAME_LABEL, PdbSpec};

use super::{ns, pairs_with};
use crate::proposal::Proposal;
use crate::rules::req::Req;
use crate::rules::slots::{PairRole, name_after};
use crate::rules::vocab::Res;

/// The workload named in the request (`for deployment web`), defaulting to a Deployment.
fn workload(req: &Req, idx: Option<usize>) -> (Res, Option<String>) {
    if let Some((i, res)) = req.noun_of(&[Res::Deployment, Res::StatefulSet, Res::ReplicaSet]) {
        return (res, name_after(&req.w, i));
    }
    let after_for = req
        .w
        .find(&["for"])
        .and_then(|i| crate::rules::slots::plausible_name(&req.w, i + 1));
    (Res::Deployment, after_for.or_else(|| req.name_near(idx)))
}

/// A HorizontalPodAutoscaler (`autoscaling/v2`).
pub fn hpa(req: &mut Req, idx: Option<usize>) -> Proposal {
    let (res, target) = workload(req, idx);
    let max = req.s.max.or(req.s.to_number);
    let mut questions = Vec::new();
    if target.is_none() {
        questions.push("Which deployment should it scale?".into());
    }
    if max.is_none() {
        questions.push("What is the most replicas it may scale to?".into());
    }
    let (Some(target), Some(max)) = (target, max) else {
        return req.needs("The autoscaler request is missing details.", questions);
    };
    let min = req.s.min.unwrap_or(1).min(max);
    let name = req.s.name.clone().unwrap_or_else(|| target.clone());
    let spec = HpaSpec {
        name: name.clone(),
        namespace: ns(req),
        target_kind: res.kind().into(),
        target_name: target.clone(),
        min,
        max,
        cpu_percent: req.s.cpu_percent,
        memory_percent: req.s.memory_percent,
    };
    let mut p = req.proposed(format!(
        "Autoscale {} {target} between {min} and {max} replicas{}",
        res.kind().to_lowercase(),
        req.in_ns()
    ));
    p.manifests.push(spec.build());
    p
}

/// A PodDisruptionBudget.
pub fn pdb(req: &mut Req, idx: Option<usize>) -> Proposal {
    let mut selector: Labels = pairs_with(req, &[PairRole::Label, PairRole::Plain])
        .into_iter()
        .collect();
    let (_, target) = workload(req, idx);
    if selector.is_empty()
        && let Some(t) = &target
    {
        selector.insert(NAME_LABEL.into(), t.clone());
    }
    let budget = if let Some(pct) = req.s.cpu_percent {
        Some(DisruptionBudget::MinAvailable(format!("{pct}%")))
    } else if req.w.has(&["unavailable"]) {
        req.s
            .max
            .or(req.s.min)
            .map(|n| DisruptionBudget::MaxUnavailable(n.to_string()))
    } else {
        req.s
            .min
            .or(req.s.replicas)
            .map(|n| DisruptionBudget::MinAvailable(n.to_string()))
    };
    let name = req
        .s
        .name
        .clone()
        .or(target.clone())
        .or_else(|| selector.values().next().cloned());
    let (Some(name), Some(budget), false) = (name, budget, selector.is_empty()) else {
        return req.needs(
            "The disruption budget request is missing details.",
            vec![
                "Which pods (deployment name or label key=value) and how many must stay \
                  available (min available N)?"
                    .into(),
            ],
        );
    };
    let mut p = req.proposed(format!(
        "Create PodDisruptionBudget {name} ({budget}){}",
        req.in_ns()
    ));
    p.manifests.push(
        PdbSpec {
            name,
            namespace: ns(req),
            selector,
            budget,
        }
        .build(),
    );
    p
}
