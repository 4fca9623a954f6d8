{{- define "leaf.networkpolicy" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "leaf.fullname" . }}
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
spec:
  # The release, not the app name: it also covers the long-lane Job pods.
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  policyTypes: ["Ingress", "Egress"]
  {{- /* An ingress rule without `from` admits everyone, so no allowed source means no rule at all. */}}
  {{- if or .Values.networkPolicy.allowFromApps .Values.networkPolicy.allowFromNamespaces }}
  ingress:
    - ports:
        - port: http
          protocol: TCP
      from:
        {{- range .Values.networkPolicy.allowFromApps }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ . }}
        {{- end }}
        {{- range .Values.networkPolicy.allowFromNamespaces }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . }}
        {{- end }}
  {{- else }}
  ingress: []
  {{- end }}
  egress:
    # Cluster DNS.
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
      ports:
        - { port: 53, protocol: UDP }
        - { port: 53, protocol: TCP }
    # Other Leaf services in the namespace (gateway fan-out) on their container port.
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: leaf
      ports:
        - port: {{ .Values.containerPort }}
          protocol: TCP
    # Azure PaaS over private endpoints / Entra ID: HTTPS, SQL, PostgreSQL, AMQP, OTLP collector.
    - ports:
        {{- range .Values.networkPolicy.egressPorts }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
{{- end -}}
