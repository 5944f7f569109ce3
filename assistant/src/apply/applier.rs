//! [`Applier`]: server-side apply of a plan, in dependency order, stopping at the first
//! failure, with the prior state of everything it changed (for undo).

use std::fmt;

use serde_json::Value;

use super::order::apply_order;
use super::target::{Target, apply_params};
use crate::cluster::{Cluster, ClusterError, ObjectRef};

/// How to apply. Build with [`ApplyOptions::new`] and the setters.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ApplyOptions {
    force: bool,
    dry_run: bool,
}

impl ApplyOptions {
    /// Defaults: no force, a real apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Take over fields other managers own (`force=true`). Off unless asked for explicitly.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Send everything with `dryRun=All`: the same report, nothing stored.
    pub fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }
}

/// One object that was applied.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The object (namespace filled in).
    pub object: ObjectRef,
    /// The live object before the apply (`None`: it was created). This is what undo restores.
    pub prior: Option<Value>,
    /// The object as the server stored it.
    pub result: Value,
}

impl Applied {
    /// Whether the apply created the object.
    pub fn created(&self) -> bool {
        self.prior.is_none()
    }
}

/// The object the apply stopped at.
#[derive(Debug)]
pub struct Failed {
    /// The object.
    pub object: ObjectRef,
    /// Why.
    pub error: ClusterError,
}

/// What an apply did: applied objects in order, the failure it stopped at, and what it never
/// attempted.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Whether this was a dry run (nothing stored).
    pub dry_run: bool,
    /// Applied, in order, each with its prior state.
    pub applied: Vec<Applied>,
    /// The first failure; the apply stopped there.
    pub failed: Option<Failed>,
    /// Objects after the failure, never sent.
    pub not_attempted: Vec<ObjectRef>,
}

impl ApplyReport {
    /// Whether every object was applied.
    pub fn is_complete(&self) -> bool {
        self.failed.is_none() && self.not_attempted.is_empty()
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.dry_run { " (dry run)" } else { "" };
        for a in &self.applied {
            let verb = if a.created() { "created" } else { "configured" };
            writeln!(f, "{verb}{mode}: {}", a.object)?;
        }
        if let Some(failed) = &self.failed {
            writeln!(f, "FAILED: {}: {}", failed.object, failed.error)?;
        }
        for o in &self.not_attempted {
            writeln!(f, "not attempted: {o}")?;
        }
        write!(
            f,
            "{} applied, {} failed, {} not attempted",
            self.applied.len(),
            usize::from(self.failed.is_some()),
            self.not_attempted.len()
        )
    }
}

/// Applies plans to one cluster. The only code that mutates a cluster.
#[derive(Debug)]
pub struct Applier<'c> {
    cluster: &'c Cluster,
}

impl<'c> Applier<'c> {
    /// An applier for `cluster`.
    pub fn new(cluster: &'c Cluster) -> Self {
        Applier { cluster }
    }

    /// Server-side applies `plan` (manifests) in dependency order with field manager
    /// `shipmate`. Conflicts are not forced unless [`ApplyOptions::force`]. Stops at the first
    /// failure; the report says what was applied (with prior state), what failed, and what was
    /// not attempted.
    pub async fn apply(&self, plan: &[Value], opts: &ApplyOptions) -> ApplyReport {
        let params = apply_params(opts.force, opts.dry_run);
        let mut report = ApplyReport {
            dry_run: opts.dry_run,
            ..ApplyReport::default()
        };
        let mut order = apply_order(plan).into_iter();
        for i in order.by_ref() {
            let manifest = &plan[i];
            match self.apply_one(manifest, &params).await {
                Ok(applied) => report.applied.push(applied),
                Err((object, error)) => {
                    report.failed = Some(Failed { object, error });
                    break;
                }
            }
        }
        report.not_attempted = order.map(|i| ObjectRef::of(&plan[i])).collect();
        report
    }

    async fn apply_one(
        &self,
        manifest: &Value,
        params: &kube::api::PatchParams,
    ) -> Result<Applied, (ObjectRef, ClusterError)> {
        let target = Target::resolve(self.cluster, manifest)
            .await
            .map_err(|e| (ObjectRef::of(manifest), e))?;
        let prior = target
            .live()
            .await
            .map_err(|e| (target.object.clone(), e))?;
        let result = target
            .apply(manifest, params)
            .await
            .map_err(|e| (target.object.clone(), e))?;
        Ok(Applied {
            object: target.object,
            prior,
            result,
        })
    }
}
