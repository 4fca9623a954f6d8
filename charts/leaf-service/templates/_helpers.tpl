{{/* Release-scoped name: the service name, so cluster DNS matches LEAF_<SERVICE>_URL in the gateway. */}}
{{- define "leaf.fullname" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "leaf.selectorLabels" -}}
app.kubernetes.io/name: {{ include "leaf.fullname" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "leaf.labels" -}}
{{ include "leaf.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/part-of: leaf
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
leaf.io/environment: {{ .Values.environment }}
{{- end -}}

{{/* A digest wins over the tag: deploy.yml pins the digest it just pushed. */}}
{{- define "leaf.image" -}}
{{- if .Values.image.digest -}}
{{ printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end -}}
{{- end -}}

{{- define "leaf.secretName" -}}
{{ include "leaf.fullname" . }}-kv
{{- end -}}

{{/*
Termination grace = the app's drain (LEAF_SHUTDOWN_GRACE_MS) + the preStop pause that lets endpoints
update + a margin, so Kubernetes never SIGKILLs a worker mid-drain.
*/}}
{{- define "leaf.terminationGraceSeconds" -}}
{{ add .Values.shutdown.drainSeconds .Values.shutdown.preStopSleepSeconds .Values.shutdown.marginSeconds }}
{{- end -}}

{{- define "leaf.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsUser }}
fsGroup: {{ .Values.securityContext.runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "leaf.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Environment shared by the long-running Deployment and the long-lane Job. */}}
{{- define "leaf.env" -}}
- name: LEAF_ENV
  value: {{ .Values.environment | quote }}
- name: HOST
  value: "0.0.0.0"
- name: PORT
  value: {{ .Values.containerPort | quote }}
- name: LEAF_SHUTDOWN_GRACE_MS
  value: {{ mul .Values.shutdown.drainSeconds 1000 | quote }}
{{- range .Values.keyVault.secrets }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "leaf.secretName" $ }}
      key: {{ .env }}
{{- end }}
{{- end -}}

{{- define "leaf.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if and .Values.kubernetesApi .Values.kubernetesApi.enabled }}
{{- /* Where in-cluster config looks: the token is mounted only where the API is read, never by default. */}}
- name: kube-api-access
  mountPath: /var/run/secrets/kubernetes.io/serviceaccount
  readOnly: true
{{- end }}
{{- if .Values.keyVault.enabled }}
- name: key-vault
  mountPath: /mnt/key-vault
  readOnly: true
{{- end }}
{{- end -}}

{{/* The CSI volume must be mounted for the driver to sync Key Vault objects into the Secret. */}}
{{- define "leaf.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- if and .Values.kubernetesApi .Values.kubernetesApi.enabled }}
- name: kube-api-access
  projected:
    sources:
      - serviceAccountToken:
          path: token
          expirationSeconds: 3607
      - configMap:
          name: kube-root-ca.crt
          items:
            - key: ca.crt
              path: ca.crt
      - downwardAPI:
          items:
            - path: namespace
              fieldRef:
                fieldPath: metadata.namespace
{{- end }}
{{- if .Values.keyVault.enabled }}
- name: key-vault
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ include "leaf.fullname" . }}
{{- end }}
{{- end -}}

{{- define "leaf.podLabels" -}}
{{ include "leaf.labels" . }}
azure.workload.identity/use: "true"
{{- end -}}
