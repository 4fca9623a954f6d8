{{- define "leaf.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "leaf.fullname" . }}
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
spec:
  {{- /* maxUnavailable keeps node drains possible even when KEDA has scaled a worker to zero or one. */}}
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "leaf.selectorLabels" . | nindent 6 }}
{{- end -}}
