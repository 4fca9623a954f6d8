{{- define "leaf.secretproviderclass" -}}
{{- if .Values.keyVault.enabled -}}
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: {{ include "leaf.fullname" . }}
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
spec:
  provider: azure
  parameters:
    usePodIdentity: "false"
    # Workload identity: the driver exchanges the pod's service-account token for this identity.
    clientID: {{ .Values.workloadIdentity.clientId | quote }}
    keyvaultName: {{ .Values.keyVault.name | quote }}
    tenantId: {{ .Values.workloadIdentity.tenantId | quote }}
    cloudName: AzurePublicCloud
    objects: |
      array:
      {{- range .Values.keyVault.secrets }}
        - |
          objectName: {{ .objectName }}
          objectType: secret
      {{- end }}
  secretObjects:
    - secretName: {{ include "leaf.secretName" . }}
      type: Opaque
      labels:
        {{- include "leaf.selectorLabels" . | nindent 8 }}
      data:
        {{- range .Values.keyVault.secrets }}
        - objectName: {{ .objectName }}
          key: {{ .env }}
        {{- end }}
{{- end -}}
{{- end -}}
