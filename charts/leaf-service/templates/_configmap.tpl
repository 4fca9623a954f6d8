{{- define "leaf.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "leaf.fullname" . }}
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
data:
  {{- range $key, $value := .Values.config }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end -}}
