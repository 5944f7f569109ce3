//! Standing in for the workload controllers after the fact: tests move a rollout along by
//! writing `status` the way a controller does (through the `status` subresource: a new
//! `resourceVersion` and a `MODIFIED` watch event, `generation` unchanged).

use serde_json::Value;

use super::{FakeCluster, locate};

impl FakeCluster {
    /// Replaces the `status` of the object named by `spec` (as for [`get`](Self::get)), as its
    /// controller would; watchers see a `MODIFIED` event. Returns the stored object.
    ///
    /// With [`complete_rollouts`](Self::complete_rollouts) on (the default), the write is
    /// completed to a finished rollout like every other write: turn it off first.
    ///
    /// # Panics
    /// If no such object is stored.
    pub fn set_status(&self, spec: &str, status: Value) -> Value {
        self.write_status(spec, |obj| obj["status"] = status)
    }

    /// Sets the `status` of a finished rollout (all replicas updated, ready and available;
    /// `observedGeneration` caught up) on the Deployment, StatefulSet, ReplicaSet or DaemonSet
    /// named by `spec`, as its controller would once the new pods are up.
    ///
    /// # Panics
    /// If no such object is stored.
    pub fn complete_rollout(&self, spec: &str) -> Value {
        self.write_status(spec, |obj| {
            let (group, kind) = (
                obj["apiVersion"].as_str().unwrap_or_default(),
                obj["kind"].as_str().unwrap_or_default().to_string(),
            );
            let group = group.split_once('/').map_or("", |(g, _)| g).to_string();
            super::subresource::complete_rollout(&group, &kind, obj);
        })
    }

    fn write_status(&self, spec: &str, change: impl FnOnce(&mut Value)) -> Value {
        let mut state = self.shared.lock();
        let store = &mut state.store;
        let (info, ns, name) = locate(store, spec)
            .unwrap_or_else(|| panic!("FakeCluster: unknown resource in {spec:?}"));
        let old = store
            .get(&info, &ns, &name)
            .cloned()
            .unwrap_or_else(|| panic!("FakeCluster: {spec} not found"));
        let mut new = old.clone();
        change(&mut new);
        let new = store
            .prepare_update(&old, new)
            .and_then(|new| store.update(&info, &ns, &old, new, false))
            .unwrap_or_else(|e| panic!("FakeCluster: status of {spec}: {}", e.message));
        drop(state);
        self.shared.changed.notify_all();
        new
    }
}
