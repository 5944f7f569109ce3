//! [`Applier`]: server-side apply of a plan, in dependency order, stopping at the first
//! failure, with the prior state of everything it changed (for undo).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use kube::api::PatchParams;

use super::target::{Target, apply_params};
use crate::cluster::{Cluster, ClusterError, ObjectRef};
use crate::order::{apply_order, tier};

/// How to apply. Build with [`ApplyOptions::new`] and the setters.
#[derive(Debug, Clone)]
#[must_use]
pub struct ApplyOptions {
    force: bool,
    dry_run: bool,
    concurrency: usize,
    cancel: Option<Arc<AtomicBool>>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            force: false,
            dry_run: false,
            concurrency: DEFAULT_CONCURRENCY,
            cancel: None,
        }
    }
}

/// Objects of one tier in flight at once, by default.
pub const DEFAULT_CONCURRENCY: usize = 32;

impl ApplyOptions {
    /// Defaults: no force, a real apply, [`DEFAULT_CONCURRENCY`] objects in flight per tier.
    pub fn new() -> Self {
        Self::default()
    }

    /// Take over fields other managers own (`force=true`). Off unless asked for explicitly.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    #[cfg(test)]
    /// Send everything with `dryRun=All`: the same report, nothing stored.
    pub fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }

    /// At most `n` objects of the same tier in flight at once (`1`: strictly sequential).
    /// Tiers never overlap: a tier starts when the previous one has fully succeeded.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Stop launching objects once `flag` is set (e.g. by a Ctrl-C handler): requests in
    /// flight finish and are reported, the rest are not attempted, and the report says it
    /// was cancelled. Dropping the `apply` future instead would lose the report.
    pub fn cancel_on(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Whether the cancel flag ([`ApplyOptions::cancel_on`]) is set.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled()
    }

    /// Whether conflicts are forced.
    pub fn is_forced(&self) -> bool {
        self.force
    }

    /// Objects in flight at once.
    pub fn in_flight(&self) -> usize {
        self.concurrency
    }

    /// Whether this is a dry run.
    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|f| f.load(Ordering::SeqCst))
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

/// An object that failed; the apply stopped there.
#[derive(Debug)]
pub struct Failed {
    /// The object.
    pub object: ObjectRef,
    /// Why.
    pub error: ClusterError,
    /// The live object read before the apply was sent (`None`: it did not exist, or the
    /// failure came before it could be read).
    pub prior: Option<Value>,
    /// The apply request was sent but no answer came back (the connection dropped): the
    /// server may or may not have applied it. Undo should treat it as possibly applied.
    pub outcome_unknown: bool,
}

/// What an apply did: applied objects in order, the failure it stopped at, and what it never
/// attempted.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Whether this was a dry run (nothing stored).
    pub dry_run: bool,
    /// Applied, in order, each with its prior state.
    pub applied: Vec<Applied>,
    /// The failures: normally one; with concurrency, others of the same tier that were
    /// already in flight may fail too. Nothing after them was sent.
    pub failed: Vec<Failed>,
    /// Objects after the failure (or the cancellation), never sent.
    pub not_attempted: Vec<ObjectRef>,
    /// Whether the apply stopped because it was cancelled ([`ApplyOptions::cancel_on`]).
    pub cancelled: bool,
}

impl ApplyReport {
    /// Whether every object was applied.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.not_attempted.is_empty()
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.dry_run { " (dry run)" } else { "" };
        for a in &self.applied {
            let verb = if a.created() { "created" } else { "configured" };
            writeln!(f, "{verb}{mode}: {}", a.object)?;
        }
        for failed in &self.failed {
            let unknown = if failed.outcome_unknown {
                " (the request was sent; whether the server applied it is unknown)"
            } else {
                ""
            };
            writeln!(f, "FAILED: {}: {}{unknown}", failed.object, failed.error)?;
        }
        if self.cancelled {
            writeln!(f, "cancelled: nothing more was sent")?;
        }
        for o in &self.not_attempted {
            writeln!(f, "not attempted: {o}")?;
        }
        write!(
            f,
            "{} applied, {} failed, {} not attempted",
            self.applied.len(),
            self.failed.len(),
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

    /// The cluster this applier mutates.
    pub fn cluster(&self) -> &'c Cluster {
        self.cluster
    }

    /// Server-side applies `plan` (manifests) in dependency order with field manager
    /// `shipmate`. Conflicts are not forced unless [`ApplyOptions::force`]. Stops at the first
    /// failure: nothing more is sent (requests already in flight in the same tier finish and
    /// are reported); the report says what was applied (with prior state), what failed, and
    /// what was not attempted.
    pub async fn apply(&self, plan: &[Value], opts: &ApplyOptions) -> ApplyReport {
        let params = apply_params(opts.force, opts.dry_run);
        let mut report = ApplyReport {
            dry_run: opts.dry_run,
            ..ApplyReport::default()
        };
        let order = apply_order(plan);
        let tier_of = |k: usize| tier(plan[order[k]]["kind"].as_str().unwrap_or_default());
        let mut pos = 0;
        while pos < order.len() {
            let end = (pos..order.len())
                .find(|&k| tier_of(k) != tier_of(pos))
                .unwrap_or(order.len());
            let mut in_flight = FuturesUnordered::new();
            let mut done = Vec::new();
            let mut stop = false;
            loop {
                while !stop && pos < end && in_flight.len() < opts.concurrency {
                    if opts.cancelled() {
                        report.cancelled = true;
                        stop = true;
                        break;
                    }
                    let k = pos;
                    let manifest = &plan[order[k]];
                    let params = &params;
                    in_flight.push(async move { (k, self.apply_one(manifest, params).await) });
                    pos += 1;
                }
                let Some((k, outcome)) = in_flight.next().await else {
                    break;
                };
                stop |= outcome.is_err();
                done.push((k, outcome));
            }
            done.sort_by_key(|(k, _)| *k);
            for (_, outcome) in done {
                match outcome {
                    Ok(applied) => report.applied.push(applied),
                    Err(failed) => report.failed.push(failed),
                }
            }
            if stop {
                break;
            }
        }
        report.not_attempted = order[pos..]
            .iter()
            .map(|&i| self.cluster.object_ref(&plan[i]))
            .collect();
        report
    }

    async fn apply_one(&self, manifest: &Value, params: &PatchParams) -> Result<Applied, Failed> {
        let failed = |object: ObjectRef, error, prior, outcome_unknown| Failed {
            object,
            error,
            prior,
            outcome_unknown,
        };
        let target = Target::resolve(self.cluster, manifest)
            .await
            .map_err(|e| failed(ObjectRef::of(manifest), e, None, false))?;
        let prior = target
            .live()
            .await
            .map_err(|e| failed(target.object.clone(), e, None, false))?;
        match target.apply(manifest, params).await {
            Ok(result) => Ok(Applied {
                object: target.object,
                prior,
                result,
            }),
            Err(e) => {
                let unknown = !params.dry_run && matches!(e, ClusterError::Unreachable { .. });
                Err(failed(target.object, e, prior, unknown))
            }
        }
    }
}
