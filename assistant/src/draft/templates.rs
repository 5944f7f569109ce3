//! Template rendering: one template per input object, with the fields [`super::values`] lifted
//! into values replaced by `.Values` lookups and the chart's labels added.

use serde_json::{Map, Value};

use super::keys::CHART_LABELS;
use super::tree::{self, Node};
use super::values::{Plan, Role, Workload};

/// `templates/<kind>-<name>.yaml` for an object.
pub fn file_name(object: &Value) -> String {
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("object")
        .to_ascii_lowercase();
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("unnamed");
    format!("templates/{kind}-{name}.yaml")
}

/// A label map without the keys the chart's helpers own.
fn own_labels(labels: Option<&Value>) -> Map<String, Value> {
    labels
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| !CHART_LABELS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn labels(chart: &str, helper: &str, literal: Map<String, Value>) -> Node {
    Node::Labels {
        include: format!("include \"{chart}.{helper}\" ."),
        literal,
    }
}

/// The template of one input object.
pub fn render(plan: &Plan, chart: &str, object: &Value, role: &Role) -> String {
    let mut node = Node::from(object);
    let own = own_labels(object.pointer("/metadata/labels"));
    node.set(&["metadata"], "labels", labels(chart, "labels", own));
    match role {
        Role::Workload(w) => workload(&mut node, chart, object, &plan.workloads[*w]),
        Role::Service { path, selects } => {
            node.set(
                &["spec"],
                "type",
                Node::Raw(format!("{{{{ .Values.{path}.type }}}}")),
            );
            if object.pointer("/spec/ports").is_some() {
                let ports = Node::Yaml(format!(".Values.{path}.ports"));
                node.set(&["spec"], "ports", ports);
            }
            if *selects {
                let own = own_labels(object.pointer("/spec/selector"));
                node.set(&["spec"], "selector", labels(chart, "selectorLabels", own));
            }
        }
        Role::ConfigMap(key) => {
            if object.get("data").is_some() {
                node.set(
                    &[],
                    "data",
                    Node::Yaml(format!(".Values.configMaps.{key}.data")),
                );
            }
        }
        Role::Secret(key) => return secret(node, object, key),
        Role::Other => {}
    }
    tree::emit(&node)
}

fn workload(node: &mut Node, chart: &str, object: &Value, w: &Workload) {
    let key = &w.key;
    if w.scalable {
        let replicas = Node::Raw(format!("{{{{ .Values.{key}.replicas }}}}"));
        let replicas = if w.hpa {
            Node::If {
                cond: format!("not .Values.{key}.autoscaling.enabled"),
                node: Box::new(replicas),
            }
        } else {
            replicas
        };
        node.set(&["spec"], "replicas", replicas);
    }
    if object.pointer("/spec/selector/matchLabels").is_some() && w.kind != "Job" {
        let own = own_labels(object.pointer("/spec/selector/matchLabels"));
        node.set(
            &["spec", "selector"],
            "matchLabels",
            labels(chart, "selectorLabels", own),
        );
    }
    let template: Vec<&str> = w.template.clone();
    let pointer: String = template.iter().map(|p| format!("/{p}")).collect();
    let own = own_labels(object.pointer(&format!("{pointer}/metadata/labels")));
    let mut meta = template.clone();
    meta.push("metadata");
    node.set(&meta, "labels", labels(chart, "selectorLabels", own));
    for c in &w.containers {
        let index = c.index.to_string();
        let mut at = template.clone();
        at.extend(["spec", c.list, index.as_str()]);
        let p = &c.path;
        let digest = if c.digest {
            format!("@{{{{ .Values.{p}.image.digest }}}}")
        } else {
            String::new()
        };
        let image = format!(
            "\"{{{{ .Values.{p}.image.repository }}}}{{{{ with .Values.{p}.image.tag }}}}:{{{{ . }}}}{{{{ end }}}}{digest}\""
        );
        let Some(Node::Map(entries)) = node.at(&at) else {
            continue;
        };
        let has = |k: &str| entries.iter().any(|(key, _)| key == k);
        let (image_set, pull, ports, env, env_from) = (
            has("image"),
            has("imagePullPolicy"),
            has("ports"),
            has("env"),
            has("envFrom"),
        );
        if image_set {
            node.set(&at, "image", Node::Raw(image));
        }
        if pull {
            node.set(
                &at,
                "imagePullPolicy",
                Node::Raw(format!("{{{{ .Values.{p}.image.pullPolicy }}}}")),
            );
        }
        if ports {
            node.set(&at, "ports", Node::Yaml(format!(".Values.{p}.ports")));
        }
        if env {
            node.set(&at, "env", Node::With(format!(".Values.{p}.env")));
        }
        if env_from {
            node.set(&at, "envFrom", Node::With(format!(".Values.{p}.envFrom")));
        }
        node.set(
            &at,
            "resources",
            Node::With(format!(".Values.{p}.resources")),
        );
    }
}

/// A Secret: created only when `secrets.<key>.create`; every value is `required` from the
/// values supplied at install time, so none is ever written into the chart.
fn secret(mut node: Node, object: &Value, key: &str) -> String {
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    for field in ["data", "stringData"] {
        let Some(entries) = object.get(field).and_then(Value::as_object) else {
            continue;
        };
        let encode = if field == "data" { " | b64enc" } else { "" };
        let templated = entries
            .keys()
            .map(|k| {
                let quoted = serde_json::to_string(k).expect("a string serialises");
                let path = super::values::secret_value_path(key, k);
                let message = format!(
                    "{path} is required: supply it at install time \
                     (--set-string or a values file kept out of version control), or set \
                     secrets.{key}.create=false and create Secret {name} yourself"
                );
                let message = serde_json::to_string(&message).expect("a string serialises");
                let raw = format!(
                    "{{{{ required {message} (index .Values.secrets.{key}.stringData {quoted}){encode} | quote }}}}"
                );
                (k.clone(), Node::Raw(raw))
            })
            .collect();
        node.set(&[], field, Node::Map(templated));
    }
    format!(
        "{{{{- if .Values.secrets.{key}.create }}}}\n{}{{{{- end }}}}\n",
        tree::emit(&node)
    )
}
