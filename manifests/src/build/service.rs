//! Services.

use serde_json::{Value, json};

use super::meta::{Labels, object, object_labels, object_meta};

/// The type of a Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceType {
    /// Cluster-internal virtual IP.
    #[default]
    ClusterIP,
    /// Reachable on a port of every node.
    NodePort,
    /// An external load balancer.
    LoadBalancer,
    /// No virtual IP (`clusterIP: None`): DNS returns the pods (StatefulSets).
    Headless,
}

impl std::fmt::Display for ServiceType {
    /// The type as Kubernetes spells it (`headless` for `clusterIP: None`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::Headless => "headless",
        })
    }
}

/// One Service port: what clients connect to, and where the pods listen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortMap {
    /// The Service port.
    pub port: u16,
    /// The container port (`targetPort`).
    pub target: u16,
}

impl PortMap {
    /// A port forwarded to the same container port.
    pub fn same(port: u16) -> Self {
        Self { port, target: port }
    }
}

/// A Service to build.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// The type.
    pub service_type: ServiceType,
    /// Pod labels it selects (for a generated workload: the workload's selector).
    pub selector: Labels,
    /// Ports; at least one.
    pub ports: Vec<PortMap>,
}

impl ServiceSpec {
    /// Builds the object.
    pub fn build(&self) -> Value {
        let labels = object_labels(&self.name, &Labels::new());
        let meta = object_meta(&self.name, self.namespace.as_deref(), &labels);
        let mut obj = object("v1", "Service", meta);
        let mut names: Vec<String> = Vec::new();
        let ports: Vec<Value> = self
            .ports
            .iter()
            .map(|p| {
                let mut name = port_name(p.port);
                if names.contains(&name) {
                    name = format!("tcp-{}", p.port);
                }
                names.push(name.clone());
                json!({ "name": name, "port": p.port, "targetPort": p.target, "protocol": "TCP" })
            })
            .collect();
        let mut spec = json!({ "selector": self.selector, "ports": ports });
        match self.service_type {
            ServiceType::ClusterIP => spec["type"] = json!("ClusterIP"),
            ServiceType::NodePort => spec["type"] = json!("NodePort"),
            ServiceType::LoadBalancer => spec["type"] = json!("LoadBalancer"),
            ServiceType::Headless => spec["clusterIP"] = json!("None"),
        }
        obj.insert("spec".into(), spec);
        Value::Object(obj)
    }
}

/// A conventional port name (`http`, `https`, else `tcp-<port>`).
fn port_name(port: u16) -> String {
    match port {
        80 | 8080 => "http".into(),
        443 | 8443 => "https".into(),
        _ => format!("tcp-{port}"),
    }
}
