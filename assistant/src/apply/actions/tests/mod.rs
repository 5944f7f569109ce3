//! Tests of running actions: the plan (pure), native actions and undo against the fake API
//! server, and kubectl runs (a fake kubectl script, and the real kubectl when installed).

mod kubectl;
mod native;
mod objects;
mod plan;
mod undo;

use serde_json::Value;
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_plugins::Action;

use super::kubectl::Stream;
use super::ops::KeyChanges;
use super::plan::{Interactive, NativeAction};
use super::*;
use crate::apply::Applier;
use crate::cluster::Cluster;
pub(crate) use crate::cluster::tests::{connect, runtime};

/// A Deployment `api` in `shop` with containers `api` and `sidecar`, an init container
/// `migrate`, env `MODE=prod`, label `tier=be`; a Node `n1` with one taint; a Pod `api-0`.
const SEED: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, labels: {tier: be}, annotations: {owner: team-a}}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers: [{name: migrate, image: "migrate:1"}]
      containers:
      - {name: api, image: "nginx:1.27", env: [{name: MODE, value: prod}, {name: KEEP, value: "1"}]}
      - {name: sidecar, image: "envoy:1.30"}
---
apiVersion: v1
kind: Node
metadata: {name: n1, labels: {zone: a}}
spec:
  taints: [{key: dedicated, value: db, effect: NoSchedule}]
---
apiVersion: v1
kind: Pod
metadata: {name: api-0, namespace: shop, labels: {app: api}}
spec:
  containers: [{name: api, image: "nginx:1.27"}]
"#;

/// `words` as an action (split on spaces).
pub(super) fn action(words: &str) -> Action {
    Action::new(words.split(' ').map(str::to_string).collect(), "test")
}

/// The native plan of `words`; panics when it is not native.
pub(super) fn native_of(words: &str) -> NativeAction {
    match plan_action(&action(words)) {
        ActionPlan::Native(n) => n,
        other => panic!("{words}: expected native, got {other:?}"),
    }
}

/// Runs `words` natively.
pub(super) async fn run(
    applier: &Applier<'_>,
    words: &str,
    opts: &ActionOptions,
) -> Result<ActionOutcome, ActionError> {
    let a = action(words);
    applier.run_native(&native_of(words), &a.argv, opts).await
}

/// A fake seeded with [`SEED`], a connected cluster, and `body` run against them.
pub(super) fn with_seeded<F>(body: impl FnOnce(FakeCluster, Cluster) -> F)
where
    F: Future<Output = ()>,
{
    let fake = FakeCluster::start();
    fake.seed(SEED);
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        body(fake, cluster).await;
    });
}

/// A stored object's field by JSON pointer.
pub(super) fn at(fake: &FakeCluster, spec: &str, pointer: &str) -> Value {
    let obj = fake
        .get(spec)
        .unwrap_or_else(|| panic!("{spec} not stored"));
    obj.pointer(pointer).cloned().unwrap_or(Value::Null)
}

/// The `Content-Type` of the last PATCH the fake received.
pub(super) fn last_patch_type(fake: &FakeCluster) -> Option<String> {
    let patch = fake.requests().into_iter().rfind(|r| r.method == "PATCH")?;
    patch.content_type
}
