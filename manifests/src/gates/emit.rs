//! Writing a constitution back as commented YAML (`shipmate constitution show`).
//!
//! Hand-written rather than serialised so that the output explains itself; strings that YAML
//! could misread are double-quoted (JSON escapes are valid YAML), so `from_yaml(to_yaml(c))`
//! gives back `c`.

use std::fmt::Write;

use serde_json::{Map, Value};

use super::Severity;
use super::constitution::{GateSpec, Spec};

const HEADER: &str = "\
# shipmate constitution: the gates every proposal and `shipmate validate` run must pass.
#
# Each gate has an `id`, a `title`, a `severity` (`block` stops the proposal, `warn` is shown),
# optionally `kinds` and `namespaces` it applies to, and either a built-in `check` (with
# `params`) or a CEL `expr` over `object` that is true when the object passes (with `message`
# and `fix`). Silence a gate for one object with the annotation
# `waive.shipmate.dev/<gate-id>: \"<reason>\"`; block gates only when they say `waivable: true`.
";

/// A YAML scalar: plain when unambiguous, otherwise double-quoted.
pub(crate) fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !s.starts_with(['-', '.'])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        && s.parse::<f64>().is_err()
        && !s.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        s.to_owned()
    } else {
        Value::String(s.to_owned()).to_string()
    }
}

fn flow(v: &Value) -> String {
    match v {
        Value::String(s) => scalar(s),
        Value::Array(a) => format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", scalar(k), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

fn list(items: &[String]) -> String {
    flow(&Value::Array(
        items.iter().cloned().map(Value::String).collect(),
    ))
}

fn gate(out: &mut String, g: &GateSpec) {
    let _ = writeln!(out, "  - id: {}", scalar(&g.id));
    let _ = writeln!(out, "    title: {}", scalar(&g.title));
    let severity = match g.severity {
        Severity::Block => "block",
        Severity::Warn => "warn",
    };
    let _ = writeln!(out, "    severity: {severity}");
    if let Some(k) = &g.kinds {
        let _ = writeln!(out, "    kinds: {}", list(k));
    }
    if let Some(n) = &g.namespaces {
        let _ = writeln!(out, "    namespaces: {}", list(n));
    }
    if g.waivable {
        let _ = writeln!(out, "    waivable: true");
    }
    if let Some(c) = &g.check {
        let _ = writeln!(out, "    check: {}", scalar(c));
    }
    if let Some(p) = &g.params {
        let _ = writeln!(out, "    params: {}", flow(&Value::Object(Map::clone(p))));
    }
    for (key, value) in [("expr", &g.expr), ("message", &g.message), ("fix", &g.fix)] {
        if let Some(v) = value {
            let _ = writeln!(out, "    {key}: {}", scalar(v));
        }
    }
}

pub(crate) fn to_yaml(spec: &Spec) -> String {
    let mut out = String::from(HEADER);
    let r = &spec.resources;
    let _ = write!(
        out,
        "version: {}\n\n\
         # Objects may not be created in these namespaces, and kubectl actions may not change them.\n\
         protected_namespaces: {}\n\n\
         # Registries (or repository prefixes) images must come from; [] allows any.\n\
         allowed_registries: {}\n\n\
         # Requests and limits shipmate gives containers it generates, and the most one container\n\
         # may ask for (checked by the `resources-within-budget` gate).\n\
         resources:\n  requests: {{cpu: {}, memory: {}}}\n  limits: {{cpu: {}, memory: {}}}\n  \
         budget: {{cpu: {}, memory: {}}}\n\ngates:\n",
        spec.version,
        list(&spec.protected_namespaces),
        list(&spec.allowed_registries),
        scalar(&r.requests.cpu),
        scalar(&r.requests.memory),
        scalar(&r.limits.cpu),
        scalar(&r.limits.memory),
        scalar(&r.budget.cpu),
        scalar(&r.budget.memory),
    );
    if spec.gates.is_empty() {
        out.truncate(out.len() - 1);
        out.push_str(" []\n");
    }
    for g in &spec.gates {
        gate(&mut out, g);
    }
    out
}
