//! Ingresses and NetworkPolicies.

use serde_json::{Map, Value, json};

use super::meta::{Labels, object, object_labels, object_meta};

/// One host/path routed to a Service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRule {
    /// Host name (`shop.example.com`); `None` matches every host.
    pub host: Option<String>,
    /// Path prefix (`/`, `/api`).
    pub path: String,
    /// Backend Service name.
    pub service: String,
    /// Backend Service port.
    pub port: u16,
}

/// An Ingress to build.
#[derive(Debug, Clone)]
pub struct IngressSpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// Ingress class (`nginx`), if one was named.
    pub class: Option<String>,
    /// Routing rules; at least one.
    pub rules: Vec<IngressRule>,
    /// Secret holding the TLS certificate for the hosts, when TLS is wanted.
    pub tls_secret: Option<String>,
}

impl IngressSpec {
    /// Builds the object.
    pub fn build(&self) -> Value {
        let labels = object_labels(&self.name, &Labels::new());
        let meta = object_meta(&self.name, self.namespace.as_deref(), &labels);
        let mut obj = object("networking.k8s.io/v1", "Ingress", meta);
        let mut spec = Map::new();
        if let Some(class) = &self.class {
            spec.insert("ingressClassName".into(), json!(class));
        }
        let mut hosts: Vec<String> = Vec::new();
        let mut rules: Vec<Value> = Vec::new();
        for rule in &self.rules {
            let path = json!({
                "path": rule.path,
                "pathType": "Prefix",
                "backend": { "service": { "name": rule.service,
                                          "port": { "number": rule.port } } },
            });
            // Rules for the same host share one entry.
            let existing = rules
                .iter_mut()
                .find(|r| r.get("host").and_then(Value::as_str) == rule.host.as_deref());
            match existing {
                Some(r) => {
                    if let Some(paths) = r["http"]["paths"].as_array_mut() {
                        paths.push(path);
                    }
                }
                None => {
                    let mut r = json!({ "http": { "paths": [path] } });
                    if let Some(host) = &rule.host {
                        r["host"] = json!(host);
                        hosts.push(host.clone());
                    }
                    rules.push(r);
                }
            }
        }
        if let Some(secret) = &self.tls_secret {
            spec.insert(
                "tls".into(),
                json!([{ "hosts": hosts, "secretName": secret }]),
            );
        }
        spec.insert("rules".into(), json!(rules));
        obj.insert("spec".into(), Value::Object(spec));
        Value::Object(obj)
    }
}

/// Which traffic a NetworkPolicy governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyDirection {
    /// Incoming traffic.
    Ingress,
    /// Outgoing traffic.
    Egress,
    /// Both.
    Both,
}

/// A NetworkPolicy to build: deny-all (no peers) or allow-from peers.
#[derive(Debug, Clone)]
pub struct NetworkPolicySpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// Pods the policy applies to (empty: every pod in the namespace).
    pub pod_selector: Labels,
    /// Which direction(s).
    pub direction: PolicyDirection,
    /// Ingress allowed from pods with these labels (same namespace).
    pub from_pods: Option<Labels>,
    /// Ingress allowed from namespaces with these labels.
    pub from_namespaces: Option<Labels>,
    /// Restrict allowed traffic to these ports.
    pub ports: Vec<u16>,
}

impl NetworkPolicySpec {
    /// Builds the object.
    pub fn build(&self) -> Value {
        let meta = object_meta(&self.name, self.namespace.as_deref(), &Labels::new());
        let mut obj = object("networking.k8s.io/v1", "NetworkPolicy", meta);
        let selector = if self.pod_selector.is_empty() {
            json!({})
        } else {
            json!({ "matchLabels": self.pod_selector })
        };
        let types = match self.direction {
            PolicyDirection::Ingress => json!(["Ingress"]),
            PolicyDirection::Egress => json!(["Egress"]),
            PolicyDirection::Both => json!(["Ingress", "Egress"]),
        };
        let mut spec = json!({ "podSelector": selector, "policyTypes": types });
        let mut peers = Vec::new();
        if let Some(pods) = &self.from_pods {
            peers.push(json!({ "podSelector": { "matchLabels": pods } }));
        }
        if let Some(ns) = &self.from_namespaces {
            peers.push(json!({ "namespaceSelector": { "matchLabels": ns } }));
        }
        if !peers.is_empty() || !self.ports.is_empty() {
            let mut rule = Map::new();
            if !peers.is_empty() {
                rule.insert("from".into(), json!(peers));
            }
            if !self.ports.is_empty() {
                let ports: Vec<Value> = self
                    .ports
                    .iter()
                    .map(|p| json!({ "protocol": "TCP", "port": p }))
                    .collect();
                rule.insert("ports".into(), json!(ports));
            }
            spec["ingress"] = json!([rule]);
        }
        obj.insert("spec".into(), spec);
        Value::Object(obj)
    }
}
