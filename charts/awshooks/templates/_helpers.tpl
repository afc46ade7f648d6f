{{/* Name of the chart, or nameOverride. */}}
{{- define "awshooks.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of the namespaced objects (Deployment, Service, ...): the release name when it already
contains the chart name (`helm install awshooks ...` gives plain `awshooks`), else <release>-awshooks.
*/}}
{{- define "awshooks.fullname" -}}
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

{{/* Labels of every object. */}}
{{- define "awshooks.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "awshooks.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: awshooks
{{- end }}

{{/* Labels that select the pods (never change them: Deployment selectors are immutable). */}}
{{- define "awshooks.selectorLabels" -}}
app.kubernetes.io/name: {{ include "awshooks.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "awshooks.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "awshooks.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the hook bearer token(s), key `token`. */}}
{{- define "awshooks.hookTokenSecretName" -}}
{{- default (printf "%s-hook-token" (include "awshooks.fullname" .)) .Values.hookToken.existingSecret }}
{{- end }}

{{/* The Secret with static AWS credentials, if any. */}}
{{- define "awshooks.awsCredentialsSecretName" -}}
{{- default (printf "%s-aws-credentials" (include "awshooks.fullname" .)) .Values.awsCredentials.existingSecret }}
{{- end }}

{{/*
Where Metacontroller reaches the hooks: hooks.baseUrl when set (the service runs elsewhere: a
process on the host, another cluster, behind a proxy), else the Service's in-cluster name.
*/}}
{{- define "awshooks.hookBaseUrl" -}}
{{- if .Values.hooks.baseUrl }}
{{- .Values.hooks.baseUrl | trimSuffix "/" }}
{{- else }}
{{- printf "%s://%s.%s.svc:%d" (ternary "https" "http" .Values.tls.enabled) (include "awshooks.fullname" .) .Release.Namespace (int .Values.service.port) }}
{{- end }}
{{- end }}

{{/* The image reference: digest when set, else tag (default: the chart's appVersion). */}}
{{- define "awshooks.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
A value of `config` as the string the process environment gets. Numbers arrive from YAML as
float64: toJson prints 16777216, where toString would print 1.6777216e+07.
*/}}
{{- define "awshooks.envValue" -}}
{{- if kindIs "string" . }}{{ . }}{{ else }}{{ toJson . }}{{ end }}
{{- end }}
