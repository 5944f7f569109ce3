//! `--wait`: following the rollouts an apply started until they finish, like
//! `kubectl rollout status`.
//!
//! Deployments, StatefulSets and DaemonSets are followed (the rules are in [`rollout`]);
//! every other object is ready as soon as it is applied. Objects are followed one after the
//! other against one shared deadline: the cluster rolls them out in parallel anyway, so the
//! total wait is that of the slowest.
//!
//! Each object is read once, then **watched** (`?watch=true&fieldSelector=metadata.name=…`
//! from the `resourceVersion` just read), so a change is seen as soon as the controller
//! writes it and nothing is polled. A watch that the server ends (its timeout) is resumed from
//! the last `resourceVersion` seen; one whose history is gone (410 `Expired`) starts over with
//! a fresh read.
//!
//! The timeout and the cancel flag bound every request (the read, opening the watch, each
//! event), so a server that stops answering cannot make the wait overrun.
//!
//! Cancelling: set the [`WaitOptions::cancel`] flag (checked at least every
//! [`CANCEL_CHECK`]; the CLI sets it on Ctrl-C), or simply drop the future
//! [`wait_for_rollouts`] returns, which closes the watch.

mod rollout;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use kube::api::{DynamicObject, WatchEvent, WatchParams};
use tokio::time::Instant;

use crate::cluster::{Cluster, ClusterError, ObjectRef, Operation};

pub use rollout::{Rollout, is_followed, rollout_status};

/// How often a wait checks its cancel flag while no event arrives.
pub const CANCEL_CHECK: Duration = Duration::from_millis(100);

/// The default timeout for all objects of an apply together.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// How to wait. Build with [`WaitOptions::new`] and the setters.
#[derive(Debug, Clone)]
#[must_use]
pub struct WaitOptions {
    timeout: Duration,
    cancel: Option<Arc<AtomicBool>>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: DEFAULT_TIMEOUT,
            cancel: None,
        }
    }
}

impl WaitOptions {
    /// Defaults: [`DEFAULT_TIMEOUT`] for all objects together, not cancellable by flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Give up after `timeout` (for all objects together).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Stop waiting (with [`WaitError::Cancelled`]) once `flag` is set.
    pub fn cancel(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }
}

/// One step of a rollout, for a progress line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The object.
    pub object: ObjectRef,
    /// Where its rollout stands.
    pub state: Rollout,
}

impl std::fmt::Display for Progress {
    /// `deployment/web: 2 of 3 updated replicas are available`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = match &self.state {
            Rollout::Progressing(m) | Rollout::Done(m) | Rollout::Failed(m) => m,
        };
        write!(f, "{}: {message}", resource_name(&self.object))
    }
}

/// Why waiting did not end with every rollout done. (The object is boxed to keep the error
/// small.)
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The deadline passed first.
    #[error(
        "timed out after {:.1}s waiting for {object}; last seen: {last}; the rollout may still finish: follow it with `{command}`",
        .waited.as_secs_f64()
    )]
    TimedOut {
        /// The object still rolling out.
        object: Box<ObjectRef>,
        /// How long was waited in all.
        waited: Duration,
        /// Its last known state.
        last: String,
        /// The kubectl command to keep following it.
        command: String,
    },
    /// The rollout cannot finish by waiting (a Deployment past its progress deadline).
    #[error(
        "rollout of {object} failed: {message}; see `kubectl describe {} -n {}` and consider `kubectl rollout undo`",
        resource_name(.object), namespace(.object)
    )]
    Failed {
        /// The object.
        object: Box<ObjectRef>,
        /// What the status says.
        message: String,
    },
    /// The object was deleted while waiting for it.
    #[error("{object} was deleted while waiting for its rollout")]
    Deleted {
        /// The object.
        object: Box<ObjectRef>,
    },
    /// The cancel flag was set.
    #[error("stopped waiting for {object} (last seen: {last}); follow it with `{command}`")]
    Cancelled {
        /// The object being waited for.
        object: Box<ObjectRef>,
        /// Its last known state.
        last: String,
        /// The kubectl command to keep following it.
        command: String,
    },
    /// Reading or watching the object failed.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
}

/// Waits until the rollout of every object in `objects` is done, calling `progress` each time
/// one changes state (including the final `Done`). Objects that have no rollout
/// ([`is_followed`] is false) are not contacted.
///
/// # Errors
/// The first object that times out, fails, is deleted or is being waited for when cancelled;
/// or a cluster error reading or watching it.
pub async fn wait_for_rollouts(
    cluster: &Cluster,
    objects: &[ObjectRef],
    options: &WaitOptions,
    mut progress: impl FnMut(&Progress),
) -> Result<(), WaitError> {
    let started = Instant::now();
    let deadline = started + options.timeout;
    for object in objects
        .iter()
        .filter(|o| is_followed(&o.api_version, &o.kind))
    {
        let mut follower = Follower {
            cluster,
            object: object.clone(),
            options,
            started,
            deadline,
            last: None,
        };
        follower.follow(&mut progress).await?;
    }
    Ok(())
}

/// Follows one object.
struct Follower<'a> {
    cluster: &'a Cluster,
    /// The object, its namespace filled in once its scope is known.
    object: ObjectRef,
    options: &'a WaitOptions,
    started: Instant,
    deadline: Instant,
    last: Option<Rollout>,
}

impl Follower<'_> {
    async fn follow(&mut self, progress: &mut impl FnMut(&Progress)) -> Result<(), WaitError> {
        let resource = (self.cluster)
            .resource(&self.object.api_version, &self.object.kind)
            .await?;
        if resource.namespaced && self.object.namespace.is_none() {
            self.object.namespace = Some(self.cluster.namespace().to_string());
        }
        let o = self.object.clone();
        let api = self.cluster.api(&resource, o.namespace.as_deref());
        let op = Operation {
            url: self.cluster.url(),
            object: o.to_string(),
            verb: "watch",
            plural: &resource.api_resource.plural,
            namespace: o.namespace.as_deref(),
        };
        'fresh: loop {
            let current = self
                .guarded(api.get(&o.name))
                .await?
                .map_err(|e| ClusterError::from_kube(e, &op))?;
            let mut version = current
                .metadata
                .resource_version
                .clone()
                .unwrap_or_default();
            if self.observe(&current, progress) {
                return self.outcome();
            }
            let params = WatchParams::default()
                .fields(&format!("metadata.name={}", o.name))
                .timeout(290);
            loop {
                let mut stream = match self.guarded(api.watch(&params, &version)).await? {
                    Ok(stream) => stream.boxed(),
                    Err(kube::Error::Api(s)) if s.code == 410 => continue 'fresh,
                    Err(e) => return Err(ClusterError::from_kube(e, &op).into()),
                };
                while let Some(event) = self.guarded(stream.next()).await? {
                    match event.map_err(|e| ClusterError::from_kube(e, &op))? {
                        WatchEvent::Added(obj) | WatchEvent::Modified(obj) => {
                            version = obj.metadata.resource_version.clone().unwrap_or(version);
                            if self.observe(&obj, progress) {
                                return self.outcome();
                            }
                        }
                        WatchEvent::Deleted(_) => {
                            return Err(WaitError::Deleted {
                                object: Box::new(o.clone()),
                            });
                        }
                        WatchEvent::Bookmark(b) => version = b.metadata.resource_version,
                        WatchEvent::Error(e) if e.code == 410 => continue 'fresh,
                        WatchEvent::Error(e) => {
                            return Err(ClusterError::from_kube(kube::Error::Api(e), &op).into());
                        }
                    }
                }
                // The server closed the watch (its timeout): resume where it stopped.
            }
        }
    }

    /// `request`'s output, unless the deadline passes or the cancel flag is set first (checked
    /// every [`CANCEL_CHECK`]); `request` is dropped then.
    async fn guarded<F: Future>(&self, request: F) -> Result<F::Output, WaitError> {
        let mut request = std::pin::pin!(request);
        loop {
            if self
                .options
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::SeqCst))
            {
                return Err(WaitError::Cancelled {
                    object: Box::new(self.object.clone()),
                    last: self.last_seen(),
                    command: follow_command(&self.object),
                });
            }
            let now = Instant::now();
            if now >= self.deadline {
                return Err(WaitError::TimedOut {
                    object: Box::new(self.object.clone()),
                    waited: now - self.started,
                    last: self.last_seen(),
                    command: follow_command(&self.object),
                });
            }
            let step = CANCEL_CHECK.min(self.deadline - now);
            if let Ok(output) = tokio::time::timeout(step, &mut request).await {
                return Ok(output);
            }
        }
    }

    /// Records and reports `obj`'s state; whether the rollout is over (done or failed).
    fn observe(&mut self, obj: &DynamicObject, progress: &mut impl FnMut(&Progress)) -> bool {
        let mut value = obj.data.clone();
        value["kind"] = self.object.kind.clone().into();
        value["metadata"] = serde_json::to_value(&obj.metadata).unwrap_or_default();
        let state = rollout_status(&value);
        if self.last.as_ref() != Some(&state) {
            progress(&Progress {
                object: self.object.clone(),
                state: state.clone(),
            });
            self.last = Some(state.clone());
        }
        !matches!(state, Rollout::Progressing(_))
    }

    /// How a rollout that is over ended: `Err` if it failed.
    fn outcome(&self) -> Result<(), WaitError> {
        match &self.last {
            Some(Rollout::Failed(message)) => Err(WaitError::Failed {
                object: Box::new(self.object.clone()),
                message: message.clone(),
            }),
            _ => Ok(()),
        }
    }

    fn last_seen(&self) -> String {
        match &self.last {
            Some(Rollout::Progressing(m) | Rollout::Done(m) | Rollout::Failed(m)) => m.clone(),
            None => "nothing yet".into(),
        }
    }
}

/// `deployment/web`.
fn resource_name(object: &ObjectRef) -> String {
    format!("{}/{}", object.kind.to_ascii_lowercase(), object.name)
}

fn namespace(object: &ObjectRef) -> &str {
    object.namespace.as_deref().unwrap_or("default")
}

/// `kubectl rollout status deployment/web -n shop`.
fn follow_command(object: &ObjectRef) -> String {
    format!(
        "kubectl rollout status {} -n {}",
        resource_name(object),
        namespace(object)
    )
}

#[cfg(test)]
mod tests;
