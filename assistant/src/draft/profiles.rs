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
    for (object, role) in &plan.objects {
        // A headless Service (clusterIP: None) cannot be a NodePort.
        let headless = object.pointer("/spec/clusterIP") == Some(&json!("None"));
        if let Role::Service {
            path,
            selects: true,
        } = role
            && !headless
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

#[cfg(test)]
mod tests {
    use super::*;

    fn objects() -> Vec<Value> {
        vec![
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
                   "spec": {"replicas": 5, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                            "template": {"metadata": {"labels": {"app": "db"}},
                                         "spec": {"containers": [{"name": "db", "image": "postgres:17.2"}]}}}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
                   "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]}}),
        ]
    }

    #[test]
    fn local_is_one_small_replica_and_keeps_headless_services_headless() {
        let plan = Plan::new(&objects());
        let local = Value::Object(local(&plan));
        assert_eq!(local["db"]["replicas"], 1);
        assert_eq!(local["db"]["resources"]["limits"]["memory"], "256Mi");
        assert_eq!(local["db"]["autoscaling"]["enabled"], false);
        assert!(local["db"].get("service").is_none(), "{local:#}");
    }

    #[test]
    fn production_keeps_more_replicas_and_fills_in_missing_resources() {
        let plan = Plan::new(&objects());
        let production = Value::Object(production(&plan));
        assert_eq!(
            production["db"]["replicas"], 5,
            "never fewer than the input"
        );
        assert_eq!(production["db"]["autoscaling"]["minReplicas"], 5);
        assert_eq!(production["db"]["podDisruptionBudget"]["enabled"], true);
        assert_eq!(production["db"]["resources"]["requests"]["cpu"], "100m");
        assert_eq!(production["db"]["ingress"]["tls"]["enabled"], true);
        assert_eq!(production["db"]["ingress"]["host"], "db.example.com");
    }
}
