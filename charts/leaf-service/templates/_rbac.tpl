{{/*
Read-only access to the namespace's workloads for a service that reports on them (the gateway's
operations API): get and list, nothing that changes anything, nothing cluster-wide, no Secrets.
*/}}
{{- define "leaf.role" -}}
{{- if and .Values.kubernetesApi .Values.kubernetesApi.enabled -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "leaf.fullname" . }}-workload-reader
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
rules:
  - apiGroups: [""]
    resources: ["pods", "services"]
    verbs: ["get", "list"]
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list"]
  - apiGroups: ["batch"]
    resources: ["jobs"]
    verbs: ["get", "list"]
  - apiGroups: ["keda.sh"]
    resources: ["scaledobjects", "scaledjobs"]
    verbs: ["get", "list"]
{{- end -}}
{{- end -}}

{{- define "leaf.rolebinding" -}}
{{- if and .Values.kubernetesApi .Values.kubernetesApi.enabled -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ include "leaf.fullname" . }}-workload-reader
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ include "leaf.fullname" . }}-workload-reader
subjects:
  - kind: ServiceAccount
    name: {{ include "leaf.fullname" . }}
    namespace: {{ .Release.Namespace }}
{{- end -}}
{{- end -}}
