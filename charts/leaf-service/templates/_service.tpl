{{- define "leaf.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "leaf.fullname" . }}
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "leaf.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.servicePort }}
      targetPort: http
      protocol: TCP
{{- end -}}
