//! A YAML tree in which some nodes are Helm template actions, and the emitter that writes it as
//! a chart template.
//!
//! A drafted template is the input object with a few fields swapped for `.Values` lookups. Rather
//! than patching serialised YAML text, the object becomes a [`Node`] tree, the fields to template
//! are replaced by template nodes, and [`emit`] writes block-style YAML whose indentation is
//! known at every node, so `nindent` always gets the right width.

use serde_json::{Map, Value};

/// One node of a template: literal YAML or a template action.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A literal scalar, or an empty map or list.
    Scalar(Value),
    /// A literal map whose values may be templated.
    Map(Vec<(String, Node)>),
    /// A literal list whose items may be templated.
    Seq(Vec<Node>),
    /// Text written verbatim after `key: ` (template actions included), e.g.
    /// `{{ .Values.web.replicas }}`.
    Raw(String),
    /// A value from `.Values` written as YAML under its key: `toYaml EXPR | nindent N`.
    Yaml(String),
    /// Like [`Node::Yaml`], but the key is left out when EXPR is empty (`with`).
    With(String),
    /// A map of labels: a helper's output (`include "chart.labels" .`) plus literal entries.
    Labels {
        /// The include call, e.g. `include "web.labels" .`.
        include: String,
        /// Labels of the input object kept as they are.
        literal: Map<String, Value>,
    },
    /// The entry is written only when the condition (a template pipeline) holds.
    If {
        /// The condition, e.g. `not .Values.web.autoscaling.enabled`.
        cond: String,
        /// The value written when it holds.
        node: Box<Node>,
    },
}

impl From<&Value> for Node {
    fn from(value: &Value) -> Node {
        match value {
            Value::Object(m) if !m.is_empty() => {
                Node::Map(m.iter().map(|(k, v)| (k.clone(), Node::from(v))).collect())
            }
            Value::Array(a) if !a.is_empty() => Node::Seq(a.iter().map(Node::from).collect()),
            other => Node::Scalar(other.clone()),
        }
    }
}

impl Node {
    /// The node at `path` (map keys, or list indexes as decimal text), if present.
    pub fn at(&mut self, path: &[&str]) -> Option<&mut Node> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let child = match self {
            Node::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k == first)
                .map(|(_, v)| v)?,
            Node::Seq(items) => items.get_mut(first.parse::<usize>().ok()?)?,
            _ => return None,
        };
        child.at(rest)
    }

    /// Replaces the value of `key` in the map at `path` (appending the key when absent);
    /// false when there is no map at `path`.
    pub fn set(&mut self, path: &[&str], key: &str, node: Node) -> bool {
        let Some(Node::Map(entries)) = self.at(path) else {
            return false;
        };
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = node,
            None => entries.push((key.to_owned(), node)),
        }
        true
    }
}

/// Writes `node` (a map) as the text of a template file.
pub fn emit(node: &Node) -> String {
    let mut out = String::new();
    match node {
        Node::Map(entries) => map(entries, 0, &mut out),
        other => entry_value_only(other, &mut out),
    }
    out
}

fn entry_value_only(node: &Node, out: &mut String) {
    if let Node::Scalar(v) = node {
        out.push_str(&scalar(v));
        out.push('\n');
    }
}

fn map(entries: &[(String, Node)], indent: usize, out: &mut String) {
    for (key, node) in entries {
        entry(key, node, indent, out);
    }
}

fn entry(key: &str, node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let raw_key = key;
    let key = plain_or_quoted(key);
    let inner = indent + 2;
    match node {
        Node::Scalar(v) => out.push_str(&format!("{pad}{key}: {}\n", scalar(v))),
        Node::Map(entries) => {
            out.push_str(&format!("{pad}{key}:\n"));
            map(entries, inner, out);
        }
        Node::Seq(items) => {
            out.push_str(&format!("{pad}{key}:\n"));
            seq(items, inner, out);
        }
        Node::Raw(text) => out.push_str(&format!("{pad}{key}: {text}\n")),
        Node::Yaml(expr) => out.push_str(&format!(
            "{pad}{key}:\n{pad}  {{{{- toYaml {expr} | nindent {inner} }}}}\n"
        )),
        Node::With(expr) => out.push_str(&format!(
            "{pad}{{{{- with {expr} }}}}\n{pad}{key}:\n{pad}  {{{{- toYaml . | nindent {inner} }}}}\n{pad}{{{{- end }}}}\n"
        )),
        Node::Labels { include, literal } => {
            out.push_str(&format!(
                "{pad}{key}:\n{pad}  {{{{- {include} | nindent {inner} }}}}\n"
            ));
            for (k, v) in literal {
                out.push_str(&format!(
                    "{pad}  {}: {}\n",
                    plain_or_quoted(k),
                    scalar(v)
                ));
            }
        }
        Node::If { cond, node } => {
            out.push_str(&format!("{pad}{{{{- if {cond} }}}}\n"));
            entry(raw_key, node, indent, out);
            out.push_str(&format!("{pad}{{{{- end }}}}\n"));
        }
    }
}

fn seq(items: &[Node], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let inner = indent + 2;
    for item in items {
        match item {
            Node::Map(entries) => {
                let mut body = String::new();
                map(entries, inner, &mut body);
                // `- key: …` on one line when the first line is a plain entry; a template
                // action (`{{- with`) would eat the dash, so it starts on the next line.
                let first_is_plain = body
                    .get(inner..)
                    .is_some_and(|rest| !rest.starts_with("{{"));
                if first_is_plain {
                    out.push_str(&format!("{pad}- {}", &body[inner..]));
                } else {
                    out.push_str(&format!("{pad}-\n{body}"));
                }
            }
            Node::Seq(items) => {
                out.push_str(&format!("{pad}-\n"));
                seq(items, inner, out);
            }
            Node::Scalar(v) => out.push_str(&format!("{pad}- {}\n", scalar(v))),
            Node::Raw(text) => out.push_str(&format!("{pad}- {text}\n")),
            Node::Yaml(expr) | Node::With(expr) => out.push_str(&format!(
                "{pad}-\n{pad}  {{{{- toYaml {expr} | nindent {inner} }}}}\n"
            )),
            Node::Labels { .. } | Node::If { .. } => {
                unreachable!("labels and conditions are map entries, never list items")
            }
        }
    }
}

/// A scalar as YAML: strings plain when unambiguous, else double-quoted (JSON string syntax is
/// valid YAML); empty maps and lists in flow style.
pub fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => plain_or_quoted(s),
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        // Non-empty containers never reach here (they become Map/Seq nodes); JSON flow
        // syntax is valid YAML all the same.
        other => other.to_string(),
    }
}

/// `text` as a plain YAML scalar when it cannot be read as anything but that string, else
/// double-quoted.
pub fn plain_or_quoted(text: &str) -> String {
    const RESERVED: &[&str] = &["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    let plain = !text.is_empty()
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && !RESERVED.contains(&text.to_ascii_lowercase().as_str());
    if plain {
        text.to_owned()
    } else {
        Value::String(text.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literal_objects_round_trip_through_yaml() {
        let object = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "data": {"PORT": "8000", "empty": "", "yes": "no", "url": "http://api:8000/x y"},
            "list": [{"a": 1, "b": [true, null]}, "x", []],
        });
        let text = emit(&Node::from(&object));
        let back: Value = serde_saphyr::from_str(&text).expect(&text);
        assert_eq!(back, object, "{text}");
    }

    #[test]
    fn template_nodes_use_the_indentation_of_their_place() {
        let mut node = Node::from(&json!({"spec": {"containers": [{"name": "a", "image": "x"}]}}));
        assert!(node.set(
            &["spec", "containers", "0"],
            "env",
            Node::With(".Values.a.env".into())
        ));
        assert!(node.set(
            &["spec"],
            "replicas",
            Node::If {
                cond: "not .Values.a.autoscaling.enabled".into(),
                node: Box::new(Node::Raw("{{ .Values.a.replicas }}".into())),
            }
        ));
        assert!(!node.set(&["spec", "missing"], "x", Node::Raw(String::new())));
        let text = emit(&node);
        assert!(
            text.contains(
                "    - name: a\n      image: x\n      {{- with .Values.a.env }}\n      env:\n        {{- toYaml . | nindent 8 }}\n      {{- end }}\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("  {{- if not .Values.a.autoscaling.enabled }}\n  replicas: {{ .Values.a.replicas }}\n  {{- end }}\n"),
            "{text}"
        );
    }

    #[test]
    fn a_list_item_that_starts_with_an_action_starts_on_its_own_line() {
        let node = Node::Map(vec![(
            "items".into(),
            Node::Seq(vec![Node::Map(vec![
                ("env".into(), Node::With(".Values.env".into())),
                ("name".into(), Node::Scalar(json!("a"))),
            ])]),
        )]);
        let text = emit(&node);
        assert!(
            text.starts_with("items:\n  -\n    {{- with .Values.env }}\n"),
            "{text}"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in ["8000", "true", "No", "", "a: b", "-x", "*", "1.2", "x#y"] {
            assert!(plain_or_quoted(s).starts_with('"'), "{s}");
        }
        for s in ["web", "nginx", "app.kubernetes.io/name", "a_b-c.d"] {
            assert_eq!(plain_or_quoted(s), s);
        }
    }
}
