{{- define "leaf.serviceaccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "leaf.fullname" . }}
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
  annotations:
    # The federated credential on this managed identity trusts system:serviceaccount:<namespace>:<name>.
    azure.workload.identity/client-id: {{ .Values.workloadIdentity.clientId | quote }}
    azure.workload.identity/tenant-id: {{ .Values.workloadIdentity.tenantId | quote }}
automountServiceAccountToken: false
{{- end -}}
