//! Helm chart drafts: turns Kubernetes objects (from files, a backend's proposal, or the REPL's
//! last proposal) into a chart whose default rendering is those same objects.
//!
//! The seams: [`values`] decides which fields become values and under which keys; [`templates`]
//! writes one template per object with those fields replaced by `.Values` lookups (through the
//! [`tree`] emitter, which knows every node's indentation); [`extras`] adds the HPA,
//! PodDisruptionBudget and Ingress each workload may switch on; [`chart`] writes `Chart.yaml`,
//! `_helpers.tpl` and `NOTES.txt`; [`profiles`] the local and production overrides; [`files`]
//! puts it all on disk without ever overwriting a chart unasked.
//!
//! Secret values never enter the chart: a Secret's template demands each value with `required`
//! at install time (`--set-string secrets.KEY.stringData.NAME=…`), or renders nothing when
//! `secrets.KEY.create=false` and the person brings a Secret of the same name.

pub mod chart;
pub mod extras;
pub mod files;
pub mod keys;
pub mod profiles;
pub mod templates;
pub mod tree;
pub mod values;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use values::Plan;

/// One file of a drafted chart: its path inside the chart directory and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    /// Path relative to the chart directory (`templates/deployment-web.yaml`).
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// Drafts the chart `name` for `objects`; fails (saying which object) when an object has no
/// kind or name, or two objects share a kind and name.
pub fn draft(objects: &[Value], name: &str) -> anyhow::Result<Vec<ChartFile>> {
    keys::chart_name(name).map_err(anyhow::Error::msg)?;
    if objects.is_empty() {
        anyhow::bail!("there are no objects to make a chart of");
    }
    let mut seen = BTreeSet::new();
    for (i, object) in objects.iter().enumerate() {
        let kind = object.get("kind").and_then(Value::as_str);
        let object_name = object.pointer("/metadata/name").and_then(Value::as_str);
        let (Some(kind), Some(object_name)) = (kind, object_name) else {
            anyhow::bail!(
                "object {} has no kind or metadata.name; a chart template needs both",
                i + 1
            );
        };
        if !seen.insert(templates::file_name(object)) {
            anyhow::bail!("{kind}/{object_name} appears twice; keep one of them");
        }
    }
    let plan = Plan::new(objects);
    let mut files = vec![
        file("Chart.yaml", chart::chart_yaml(name, &plan)),
        file(
            "values.yaml",
            chart::values_header(name, &plan) + &yaml(&plan.values),
        ),
        file(
            "values-local.yaml",
            profiles::header(name, "local") + &yaml(&profiles::local(&plan)),
        ),
        file(
            "values-production.yaml",
            profiles::header(name, "production") + &yaml(&profiles::production(&plan)),
        ),
        file("templates/_helpers.tpl", chart::helpers(name)),
        file("templates/NOTES.txt", chart::notes(name, &plan)),
    ];
    for (object, role) in &plan.objects {
        files.push(file(
            &templates::file_name(object),
            templates::render(&plan, name, object, role),
        ));
    }
    for w in &plan.workloads {
        for (path, text) in extras::templates(name, w) {
            files.push(file(&path, text));
        }
    }
    Ok(files)
}

fn file(path: &str, text: String) -> ChartFile {
    ChartFile {
        path: path.to_owned(),
        text,
    }
}

fn yaml(values: &Map<String, Value>) -> String {
    tree::emit(&tree::Node::from(&Value::Object(values.clone())))
}
