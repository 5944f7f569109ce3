//! The optional templates a drafted chart offers per workload — HorizontalPodAutoscaler,
//! PodDisruptionBudget and Ingress — each rendered only when its values switch it on
//! (`values-production.yaml` does).

use serde_json::Value;

use super::tree::{plain_or_quoted, scalar};
use super::values::Workload;

/// `(file name, text)` of every optional template for `w`.
pub fn templates(chart: &str, w: &Workload) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if w.hpa {
        out.push((format!("templates/hpa-{}.yaml", w.name), hpa(chart, w)));
    }
    if w.pdb {
        out.push((format!("templates/pdb-{}.yaml", w.name), pdb(chart, w)));
    }
    if let (true, Some((service, port))) = (w.ingress, &w.service) {
        out.push((
            format!("templates/ingress-{}.yaml", w.name),
            ingress(chart, w, service, port),
        ));
    }
    out
}

fn hpa(chart: &str, w: &Workload) -> String {
    let (key, name, kind) = (&w.key, plain_or_quoted(&w.name), &w.kind);
    format!(
        r#"{{{{- if .Values.{key}.autoscaling.enabled }}}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  labels:
    {{{{- include "{chart}.labels" . | nindent 4 }}}}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {kind}
    name: {name}
  minReplicas: {{{{ .Values.{key}.autoscaling.minReplicas }}}}
  maxReplicas: {{{{ .Values.{key}.autoscaling.maxReplicas }}}}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{{{ .Values.{key}.autoscaling.targetCPUUtilizationPercentage }}}}
{{{{- end }}}}
"#
    )
}

fn pdb(chart: &str, w: &Workload) -> String {
    let (key, name) = (&w.key, plain_or_quoted(&w.name));
    let selector: String = w
        .selector
        .iter()
        .filter(|(k, _)| !super::keys::CHART_LABELS.contains(&k.as_str()))
        .map(|(k, v)| format!("      {}: {}\n", plain_or_quoted(k), scalar(v)))
        .collect();
    format!(
        r#"{{{{- if .Values.{key}.podDisruptionBudget.enabled }}}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  labels:
    {{{{- include "{chart}.labels" . | nindent 4 }}}}
spec:
  {{{{- with .Values.{key}.podDisruptionBudget.minAvailable }}}}
  minAvailable: {{{{ . }}}}
  {{{{- else }}}}
  maxUnavailable: {{{{ .Values.{key}.podDisruptionBudget.maxUnavailable | default 1 }}}}
  {{{{- end }}}}
  selector:
    matchLabels:
      {{{{- include "{chart}.selectorLabels" . | nindent 6 }}}}
{selector}{{{{- end }}}}
"#
    )
}

fn ingress(chart: &str, w: &Workload, service: &str, port: &Value) -> String {
    let key = &w.key;
    let name = plain_or_quoted(&w.name);
    let service = plain_or_quoted(service);
    let port = match port {
        Value::String(p) => format!("name: {}", plain_or_quoted(p)),
        other => format!("number: {other}"),
    };
    format!(
        r#"{{{{- if .Values.{key}.ingress.enabled }}}}
{{{{- $ingress := .Values.{key}.ingress }}}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  labels:
    {{{{- include "{chart}.labels" . | nindent 4 }}}}
spec:
  {{{{- with $ingress.className }}}}
  ingressClassName: {{{{ . }}}}
  {{{{- end }}}}
  {{{{- if $ingress.tls.enabled }}}}
  tls:
    - hosts:
        - {{{{ $ingress.host | quote }}}}
      secretName: {{{{ $ingress.tls.secretName }}}}
  {{{{- end }}}}
  rules:
    - host: {{{{ $ingress.host | quote }}}}
      http:
        paths:
          - path: {{{{ $ingress.path }}}}
            pathType: {{{{ $ingress.pathType }}}}
            backend:
              service:
                name: {service}
                port:
                  {port}
{{{{- end }}}}
"#
    )
}
