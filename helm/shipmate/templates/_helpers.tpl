{{/*
The chart's name, or .Values.nameOverride.
*/}}
{{- define "shipmate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's objects are named RELEASE-shipmate (or RELEASE alone when it already says
shipmate, or .Values.fullnameOverride), at most 63 characters.
*/}}
{{- define "shipmate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "shipmate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "shipmate.labels" -}}
helm.sh/chart: {{ include "shipmate.chart" . }}
{{ include "shipmate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels that select the MCP server's pods.
*/}}
{{- define "shipmate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shipmate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The image: repository@digest when a digest is given, else repository:tag (tag defaults to the
chart's appVersion).
*/}}
{{- define "shipmate.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The Secret holding the bearer token.
*/}}
{{- define "shipmate.tokenSecret" -}}
{{- default (printf "%s-token" (include "shipmate.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{/*
Pod-level security: non-root, a fixed unprivileged user, the runtime's default seccomp profile.
*/}}
{{- define "shipmate.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Container-level security: no privilege escalation, read-only root filesystem, no capabilities.
*/}}
{{- define "shipmate.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/*
Environment shared by the server and the diagnosis job: writable places on the read-only
filesystem, the backend, the user's extra env.
*/}}
{{- define "shipmate.env" -}}
- name: HOME
  value: /tmp
- name: XDG_STATE_HOME
  value: /tmp/state
- name: XDG_CONFIG_HOME
  value: /etc/shipmate-config
- name: SHIPMATE_BACKEND
  value: {{ .Values.backend.name | quote }}
{{- with .Values.backend.model }}
- name: SHIPMATE_MODEL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.env }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Volumes shared by the server and the diagnosis job: a scratch /tmp and the constitution.
*/}}
{{- define "shipmate.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- if .Values.constitution }}
- name: constitution
  configMap:
    name: {{ include "shipmate.fullname" . }}-constitution
{{- end }}
{{- end }}

{{- define "shipmate.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.constitution }}
- name: constitution
  mountPath: /etc/shipmate-config/shipmate
  readOnly: true
{{- end }}
{{- end }}

{{/*
Labels of the diagnosis job's pods.
*/}}
{{- define "shipmate.diagnoseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "shipmate.name" . }}-diagnose
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Egress the pods may use: DNS, and HTTPS to the API server (and, for LLM backends, the
provider), plus networkPolicy.extraEgress.
*/}}
{{- define "shipmate.egress" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
- ports:
    {{- range .Values.networkPolicy.apiServerPorts }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- with .Values.networkPolicy.extraEgress }}
{{ toYaml . }}
{{- end }}
{{- end }}
