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

/// A drafted chart: its files, and what must be supplied at install time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The files, `Chart.yaml` first.
    pub files: Vec<ChartFile>,
    /// `--set-string` paths of the Secret values (`secrets.KEY.stringData.NAME`).
    pub secret_values: Vec<String>,
}

/// Drafts the chart `name` for `objects`; fails (saying which object) when an object has no
/// kind or name, or two objects share a kind and name.
pub fn draft(objects: &[Value], name: &str) -> anyhow::Result<Chart> {
    keys::chart_name(name).map_err(anyhow::Error::msg)?;
    if objects.is_empty() {
        anyhow::bail!(
            "there are no Kubernetes objects to make a chart of (a proposal of kubectl actions \
             alone has none): ask for what to deploy, or pass manifests with --from"
        );
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
    let secret_values = plan
        .secrets
        .iter()
        .flat_map(|(_, key, names)| names.iter().map(|n| values::secret_value_path(key, n)))
        .collect();
    Ok(Chart {
        files,
        secret_values,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_input_says_what_is_wrong() {
        let err = draft(&[], "app").unwrap_err().to_string();
        assert!(err.contains("no Kubernetes objects"), "{err}");
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        let err = draft(&[cm.clone(), cm.clone()], "app")
            .unwrap_err()
            .to_string();
        assert!(err.contains("ConfigMap/a appears twice"), "{err}");
        let err = draft(&[json!({"kind": "ConfigMap"})], "app")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("object 1 has no kind or metadata.name"),
            "{err}"
        );
        let err = draft(&[cm], "App").unwrap_err().to_string();
        assert!(err.contains("not a valid chart name"), "{err}");
    }

    #[test]
    fn a_chart_has_its_files_and_names_the_secret_values() {
        let objects = [
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "tls"},
                   "stringData": {"tls.crt": "c"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
                   "data": {"A": "1"}}),
        ];
        let chart = draft(&objects, "app").unwrap();
        let paths: Vec<&str> = chart.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Chart.yaml",
                "values.yaml",
                "values-local.yaml",
                "values-production.yaml",
                "templates/_helpers.tpl",
                "templates/NOTES.txt",
                "templates/secret-tls.yaml",
                "templates/configmap-cfg.yaml"
            ]
        );
        assert_eq!(chart.secret_values, ["secrets.tls.stringData.tls\\.crt"]);
        let secret = &chart.files[6].text;
        assert!(
            secret.starts_with("{{- if .Values.secrets.tls.create }}\n"),
            "{secret}"
        );
        assert!(!chart.files.iter().any(|f| f.text.contains(": c\n")));
    }
}
