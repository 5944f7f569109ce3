//! `config-externalised`: configuration lives in ConfigMaps (and credentials in Secrets), loaded
//! with `envFrom`/`valueFrom`, rather than as long lists of literal `env` values baked into the
//! workload — so it can change without editing, and be shared by, every workload that uses it.

use serde_json::Value;

use super::pod_spec::RUN_CONTAINERS;
use super::run::{Obj, Sink};

pub(crate) fn check(obj: &Obj<'_>, max_literal_env: usize, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(RUN_CONTAINERS) {
        let Some(env) = c.value.get("env").and_then(Value::as_array) else {
            continue;
        };
        let literal = env.iter().filter(|e| e.get("value").is_some()).count();
        if literal <= max_literal_env {
            continue;
        }
        sink.emit(
            format!(
                "{} sets {literal} literal env values (more than {max_literal_env}); its \
                 configuration is baked into the workload",
                c.describe()
            ),
            format!(
                "move them into a ConfigMap (kubectl create configmap <name> \
                 --from-env-file=<file>) and set {}.envFrom: [{{configMapRef: {{name: <name>}}}}]",
                c.path()
            ),
        );
    }
}
