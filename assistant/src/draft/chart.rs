//! The chart's own files: `Chart.yaml`, `templates/_helpers.tpl` and `templates/NOTES.txt`.

use std::fmt::Write as _;

use super::values::Plan;

/// `Chart.yaml`; `appVersion` is the first workload's image tag when it has one.
pub fn chart_yaml(name: &str, plan: &Plan) -> String {
    let app_version = plan
        .workloads
        .first()
        .and_then(|w| w.containers.first())
        .and_then(|c| {
            super::values::get_path(&plan.values, &format!("{}.image.tag", c.path))
                .and_then(serde_json::Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "0.1.0".into());
    format!(
        "apiVersion: v2\nname: {name}\ndescription: {}\ntype: application\nversion: 0.1.0\nappVersion: {}\n",
        serde_json::Value::String(format!(
            "{name}: drafted by shipmate from {} object(s)",
            plan.objects.len()
        )),
        serde_json::Value::String(app_version),
    )
}

/// `templates/_helpers.tpl`: name, fullname, chart, labels and selectorLabels.
pub fn helpers(name: &str) -> String {
    format!(
        r#"{{{{/*
The chart's name, or .Values.nameOverride.
*/}}}}
{{{{- define "{name}.name" -}}}}
{{{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}}}
{{{{- end }}}}

{{{{/*
A fully qualified name for the release: .Values.fullnameOverride, else RELEASE-NAME (or
RELEASE alone when it already contains NAME), at most 63 characters.
*/}}}}
{{{{- define "{name}.fullname" -}}}}
{{{{- if .Values.fullnameOverride }}}}
{{{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}}}
{{{{- else }}}}
{{{{- $name := default .Chart.Name .Values.nameOverride }}}}
{{{{- if contains $name .Release.Name }}}}
{{{{- .Release.Name | trunc 63 | trimSuffix "-" }}}}
{{{{- else }}}}
{{{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}}}
{{{{- end }}}}
{{{{- end }}}}
{{{{- end }}}}

{{{{/*
Chart name and version, as the helm.sh/chart label.
*/}}}}
{{{{- define "{name}.chart" -}}}}
{{{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}}}
{{{{- end }}}}

{{{{/*
Labels on every object of the chart.
*/}}}}
{{{{- define "{name}.labels" -}}}}
helm.sh/chart: {{{{ include "{name}.chart" . }}}}
app.kubernetes.io/managed-by: {{{{ .Release.Service }}}}
app.kubernetes.io/instance: {{{{ .Release.Name }}}}
app.kubernetes.io/part-of: {{{{ include "{name}.name" . }}}}
{{{{- end }}}}

{{{{/*
Labels added to the workloads' selectors and pods (with each workload's own), so that two
releases of the chart never select each other's pods.
*/}}}}
{{{{- define "{name}.selectorLabels" -}}}}
app.kubernetes.io/instance: {{{{ .Release.Name }}}}
{{{{- end }}}}
"#
    )
}

/// `templates/NOTES.txt`: what was installed, how to reach it, and the Secrets to supply.
pub fn notes(name: &str, plan: &Plan) -> String {
    let mut out = format!(
        "{name} is installed as release {{{{ .Release.Name }}}} in namespace {{{{ .Release.Namespace }}}}.\n\nWorkloads:\n"
    );
    for w in &plan.workloads {
        let _ = writeln!(
            out,
            "  {} {}: kubectl -n {{{{ .Release.Namespace }}}} get {} {}",
            w.kind,
            w.name,
            w.kind.to_ascii_lowercase(),
            w.name
        );
        if let Some((service, port)) = &w.service {
            let key = &w.key;
            let port = port.to_string().trim_matches('"').to_owned();
            let forward = format!(
                "    kubectl -n {{{{ .Release.Namespace }}}} port-forward service/{service} 8080:{port}\n"
            );
            if w.ingress {
                let _ = write!(
                    out,
                    "{{{{- if .Values.{key}.ingress.enabled }}}}\n    \
                     URL: http{{{{ if .Values.{key}.ingress.tls.enabled }}}}s{{{{ end }}}}://{{{{ .Values.{key}.ingress.host }}}}{{{{ .Values.{key}.ingress.path }}}}\n\
                     {{{{- else }}}}\n{forward}{{{{- end }}}}\n"
                );
            } else {
                out.push_str(&forward);
            }
        }
    }
    if !plan.secrets.is_empty() {
        out.push_str("\nSecrets (their values are never stored in the chart):\n");
        for (secret, key, names) in &plan.secrets {
            let _ = writeln!(
                out,
                "  {secret}: {{{{ if .Values.secrets.{key}.create }}}}created from secrets.{key}.stringData ({}){{{{ else }}}}must already exist (secrets.{key}.create=false){{{{ end }}}}",
                names.join(", ")
            );
        }
    }
    out
}

/// The comment at the top of `values.yaml`.
pub fn values_header(name: &str, plan: &Plan) -> String {
    let mut out = format!(
        "# Values of the {name} chart, drafted by shipmate.\n\
         # values-local.yaml (one replica, small resources, NodePort) and values-production.yaml\n\
         # (more replicas, autoscaling, disruption budgets, ingress with TLS) override these.\n"
    );
    if !plan.secrets.is_empty() {
        out.push_str(
            "#\n# Secret values are never stored here. Supply them when you install, e.g.\n#   helm install RELEASE CHART",
        );
        for (_, key, names) in &plan.secrets {
            for n in names {
                let path = super::values::secret_value_path(key, n);
                let _ = write!(out, " \\\n#     --set-string {path}=…");
            }
        }
        out.push_str(
            "\n# or keep an existing Secret of the same name: --set secrets.KEY.create=false.\n",
        );
    }
    out.push('\n');
    out
}
