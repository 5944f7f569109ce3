//! `values-local.yaml` and `values-production.yaml`: overrides of `values.yaml` for a laptop
//! cluster and for production.

use serde_json::{Map, Value, json};

use super::values::{Plan, Role, get_path, insert};

/// Small resources for a local cluster (kind, minikube, k3d).
fn local_resources() -> Value {
    json!({"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "250m", "memory": "256Mi"}})
}

/// Resources for production when the input named none: the constitution's defaults.
fn production_resources() -> Value {
    json!({"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}})
}

/// One replica, small resources, NodePort Services, no autoscaling, budget or ingress.
pub fn local(plan: &Plan) -> Map<String, Value> {
    let mut values = Map::new();
    for w in &plan.workloads {
        let key = &w.key;
        if w.scalable {
            insert(&mut values, &format!("{key}.replicas"), json!(1));
        }
        for c in &w.containers {
            insert(
                &mut values,
                &format!("{}.resources", c.path),
                local_resources(),
            );
        }
        for (flag, on) in [
            ("autoscaling", w.hpa),
            ("podDisruptionBudget", w.pdb),
            ("ingress", w.ingress),
        ] {
            if on {
                insert(&mut values, &format!("{key}.{flag}.enabled"), json!(false));
            }
        }
    }
    for (_, role) in &plan.objects {
        if let Role::Service {
            path,
            selects: true,
        } = role
        {
            insert(&mut values, &format!("{path}.type"), json!("NodePort"));
        }
    }
    values
}

/// At least three replicas, autoscaling, a disruption budget, ingress with TLS, and resources
/// for every container.
pub fn production(plan: &Plan) -> Map<String, Value> {
    let mut values = Map::new();
    for w in &plan.workloads {
        let key = &w.key;
        if w.scalable {
            let replicas = get_path(&plan.values, &format!("{key}.replicas"))
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(3);
            insert(&mut values, &format!("{key}.replicas"), json!(replicas));
            if w.hpa {
                insert(
                    &mut values,
                    &format!("{key}.autoscaling"),
                    json!({"enabled": true, "minReplicas": replicas, "maxReplicas": replicas * 4,
                           "targetCPUUtilizationPercentage": 75}),
                );
            }
            if w.pdb {
                insert(
                    &mut values,
                    &format!("{key}.podDisruptionBudget"),
                    json!({"enabled": true, "maxUnavailable": 1}),
                );
            }
        }
        for c in &w.containers {
            let path = format!("{}.resources", c.path);
            let empty = get_path(&plan.values, &path)
                .and_then(Value::as_object)
                .is_none_or(Map::is_empty);
            if empty {
                insert(&mut values, &path, production_resources());
            }
        }
        if w.ingress {
            insert(
                &mut values,
                &format!("{key}.ingress"),
                json!({"enabled": true, "className": "nginx",
                       "host": format!("{}.example.com", w.name),
                       "tls": {"enabled": true, "secretName": format!("{}-tls", w.name)}}),
            );
        }
    }
    values
}

/// The comment at the top of a profile.
pub fn header(name: &str, profile: &str) -> String {
    match profile {
        "local" => format!(
            "# {name} on a local cluster: helm install RELEASE . -f values-local.yaml\n\
             # One replica, small resources, Services as NodePort; no autoscaling or ingress.\n\n"
        ),
        _ => format!(
            "# {name} in production: helm install RELEASE . -f values-production.yaml\n\
             # Replace the example hosts, and make sure the TLS secrets exist (e.g. from cert-manager).\n\n"
        ),
    }
}
