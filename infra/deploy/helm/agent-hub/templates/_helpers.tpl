{{/* Names and labels. */}}
{{- define "agent-hub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "agent-hub.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "agent-hub.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "agent-hub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agent-hub
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "gateway"). */}}
{{- define "agent-hub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agent-hub.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "agent-hub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "agent-hub.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "agent-hub.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{- define "agent-hub.hubConfigMap" -}}
{{- if .Values.hubConfigMap -}}
{{- .Values.hubConfigMap -}}
{{- else if .Values.hubConfig -}}
{{- printf "%s-config" (include "agent-hub.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The pod's own identity (downward API): used by OTEL_RESOURCE_ATTRIBUTES and HUB_ALLOWED_HOSTS. */}}
{{- define "agent-hub.podEnv" -}}
- name: POD_NAME
  valueFrom: {fieldRef: {fieldPath: metadata.name}}
- name: POD_NAMESPACE
  valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
- name: POD_IP
  valueFrom: {fieldRef: {fieldPath: status.podIP}}
{{- end -}}

{{/* TEMPORAL_*, HUB_TASK_QUEUE, HUB_CONFIG, the LLM: the same for the gateway and the workers. */}}
{{- define "agent-hub.commonEnv" -}}
{{- $t := .Values.temporal -}}
- name: TEMPORAL_ADDRESS
  value: {{ required "temporal.address is required (host:port of the Temporal frontend)" $t.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ $t.namespace | quote }}
- name: HUB_TASK_QUEUE
  value: {{ $t.taskQueue | quote }}
{{- if $t.tls.enabled }}
- name: TEMPORAL_TLS
  value: "1"
{{- if $t.tls.ca }}
- name: TEMPORAL_TLS_CA
  value: /etc/agent-hub/temporal-tls/ca.crt
{{- end }}
{{- if $t.tls.clientCert }}
- name: TEMPORAL_TLS_CERT
  value: /etc/agent-hub/temporal-tls/tls.crt
- name: TEMPORAL_TLS_KEY
  value: /etc/agent-hub/temporal-tls/tls.key
{{- end }}
{{- if $t.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ $t.tls.serverName | quote }}
{{- end }}
{{- end }}
{{- if include "agent-hub.hubConfigMap" . }}
- name: HUB_CONFIG
  value: /etc/agent-hub/config/hub.config.json
{{- end }}
{{- with .Values.llm.baseURL }}
- name: OPENAI_BASE_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.llm.model }}
- name: HUB_MODEL
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* OTEL_*: (dict "root" $ "service" "agent-hub-gateway"); nothing when otel.enabled is false. */}}
{{- define "agent-hub.otelEnv" -}}
{{- $o := .root.Values.otel -}}
{{- if $o.enabled }}
- name: OTEL_SERVICE_NAME
  value: {{ .service | quote }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ required "otel.endpoint is required when otel.enabled" $o.endpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ $o.protocol | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ $o.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ $o.samplerArg | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "service.namespace=agent-hub,service.version=%s,k8s.namespace.name=$(POD_NAMESPACE),k8s.pod.name=$(POD_NAME)%s" .root.Chart.AppVersion (ternary (printf ",%s" $o.resourceAttributes) "" (ne $o.resourceAttributes "")) | quote }}
{{- range $name, $value := $o.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Variables from the Secret: (dict "root" $ "vars" .Values.secrets.gateway). */}}
{{- define "agent-hub.secretEnv" -}}
{{- $secret := .root.Values.secrets.name -}}
{{- range $name, $ref := .vars }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ required (printf "secrets: %s needs a key" $name) $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{- define "agent-hub.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Volumes every pod has: a writable /tmp and HUB_DATA_DIR (the root filesystem is read-only), the config, TLS. */}}
{{- define "agent-hub.volumes" -}}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
{{- with include "agent-hub.hubConfigMap" . }}
- name: hub-config
  configMap:
    name: {{ . }}
    items: [{key: hub.config.json, path: hub.config.json}]
{{- end }}
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.secretName }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tls.secretName }}
{{- end }}
{{- end -}}

{{- define "agent-hub.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /data
{{- if include "agent-hub.hubConfigMap" . }}
- name: hub-config
  mountPath: /etc/agent-hub/config
  readOnly: true
{{- end }}
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.secretName }}
- name: temporal-tls
  mountPath: /etc/agent-hub/temporal-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* The worker's grace period: its drain must fit, or Kubernetes SIGKILLs it halfway. */}}
{{- define "agent-hub.workerTerminationGrace" -}}
{{- $w := .Values.worker -}}
{{- $needed := add $w.preStopSleepSeconds $w.shutdownGraceSeconds $w.drainMarginSeconds -}}
{{- if kindIs "invalid" $w.terminationGracePeriodSeconds -}}
{{- $needed -}}
{{- else if lt (int $w.terminationGracePeriodSeconds) (int (add $w.preStopSleepSeconds $w.shutdownGraceSeconds 5)) -}}
{{- fail (printf "worker.terminationGracePeriodSeconds (%v) must be at least preStopSleepSeconds + shutdownGraceSeconds + 5 (%v): the worker would be killed while it drains" $w.terminationGracePeriodSeconds (add $w.preStopSleepSeconds $w.shutdownGraceSeconds 5)) -}}
{{- else -}}
{{- $w.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end -}}

{{/* Checks of values that would render but not run. */}}
{{- define "agent-hub.validate" -}}
{{- if not (hasKey .Values.secrets.gateway "HUB_API_KEYS") -}}
{{- fail "secrets.gateway.HUB_API_KEYS is required: in a pod the gateway binds 0.0.0.0 and refuses to serve without API keys" -}}
{{- end -}}
{{- if and .Values.temporal.tls.enabled (or .Values.temporal.tls.ca .Values.temporal.tls.clientCert) (not .Values.temporal.tls.secretName) -}}
{{- fail "temporal.tls.secretName is required to mount temporal.tls.ca or temporal.tls.clientCert" -}}
{{- end -}}
{{- $g := .Values.gateway -}}
{{- if lt (int $g.terminationGracePeriodSeconds) (int (add $g.preStopSleepSeconds 15)) -}}
{{- fail (printf "gateway.terminationGracePeriodSeconds (%v) must be at least preStopSleepSeconds + 15 (the gateway gives running requests 10 s)" $g.terminationGracePeriodSeconds) -}}
{{- end -}}
{{- range $component := list "gateway" "worker" -}}
{{- $a := (index $.Values $component).autoscaling -}}
{{- if and $a.enabled (gt (int $a.minReplicas) (int $a.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas (%v) is above maxReplicas (%v)" $component $a.minReplicas $a.maxReplicas) -}}
{{- end -}}
{{- end -}}
{{- end -}}
