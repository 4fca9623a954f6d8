{{- define "leaf.servicebusTrigger" -}}
- type: azure-servicebus
  metadata:
    namespace: {{ .root.Values.keda.serviceBus.namespace | quote }}
    queueName: {{ .queueName | quote }}
    # Target messages per replica, and the backlog that wakes the workload from zero.
    messageCount: {{ .messageCount | quote }}
    activationMessageCount: {{ .activationMessageCount | quote }}
    cloud: AzurePublicCloud
  authenticationRef:
    name: {{ include "leaf.fullname" .root }}-servicebus
{{- end -}}

{{- define "leaf.triggerauthentication" -}}
{{- if .Values.keda.enabled -}}
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: {{ include "leaf.fullname" . }}-servicebus
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
spec:
  # KEDA's operator reads queue length as this identity (Azure Service Bus Data Receiver on the
  # namespace); no connection string exists anywhere.
  podIdentity:
    provider: azure-workload
    identityId: {{ .Values.workloadIdentity.clientId | quote }}
{{- end -}}
{{- end -}}

{{- define "leaf.scaledobject" -}}
{{- if and .Values.keda.enabled .Values.keda.scaledObject.enabled -}}
{{- $so := .Values.keda.scaledObject -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "leaf.fullname" . }}
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "leaf.fullname" . }}
  pollingInterval: {{ $so.pollingInterval }}
  cooldownPeriod: {{ $so.cooldownPeriod }}
  minReplicaCount: {{ $so.minReplicaCount }}
  maxReplicaCount: {{ $so.maxReplicaCount }}
  triggers:
    {{- include "leaf.servicebusTrigger" (dict "root" . "queueName" $so.queueName "messageCount" $so.messageCount "activationMessageCount" $so.activationMessageCount) | nindent 4 }}
{{- end -}}
{{- end -}}

{{- define "leaf.scaledjob" -}}
{{- if and .Values.keda.enabled .Values.keda.longLane.enabled -}}
{{- $lane := .Values.keda.longLane -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata:
  name: {{ include "leaf.fullname" . }}-long
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
spec:
  pollingInterval: {{ $lane.pollingInterval }}
  maxReplicaCount: {{ $lane.maxReplicaCount }}
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 5
  scalingStrategy:
    strategy: accurate
  jobTargetRef:
    parallelism: 1
    completions: 1
    backoffLimit: {{ $lane.backoffLimit }}
    activeDeadlineSeconds: {{ $lane.activeDeadlineSeconds }}
    template:
      metadata:
        labels:
          {{- /* Not the Deployment's selector labels: the Service and PDB must not pick up Job pods. */}}
          app.kubernetes.io/name: {{ include "leaf.fullname" . }}-long
          app.kubernetes.io/instance: {{ .Release.Name }}
          app.kubernetes.io/part-of: leaf
          azure.workload.identity/use: "true"
      spec:
        restartPolicy: Never
        serviceAccountName: {{ include "leaf.fullname" . }}
        automountServiceAccountToken: false
        terminationGracePeriodSeconds: {{ include "leaf.terminationGraceSeconds" . }}
        securityContext:
          {{- include "leaf.podSecurityContext" . | nindent 10 }}
        containers:
          - name: {{ .Chart.Name }}
            image: {{ include "leaf.image" . }}
            imagePullPolicy: {{ .Values.image.pullPolicy }}
            envFrom:
              - configMapRef:
                  name: {{ include "leaf.fullname" . }}
            env:
              {{- include "leaf.env" . | nindent 14 }}
              - name: LEAF_LANE_QUEUE
                value: {{ $lane.queueName | quote }}
              # One task, then the process exits and the Job completes: scale-in never stops a task.
              - name: LEAF_LANE_WORKER_ONE_TASK
                value: "true"
              - name: LEAF_TASK_WORKSPACE_DIR
                value: /workspace
            resources:
              {{- toYaml $lane.resources | nindent 14 }}
            securityContext:
              {{- include "leaf.containerSecurityContext" . | nindent 14 }}
            volumeMounts:
              {{- include "leaf.volumeMounts" . | nindent 14 }}
              - name: workspace
                mountPath: /workspace
        volumes:
          {{- include "leaf.volumes" . | nindent 10 }}
          {{- /* One Job serves every kind of the lane, so its volume is the largest any long kind declares, unless the lane names its own size (charts:check refuses one too small for a kind). */}}
          {{- $size := 1 }}
          {{- if $lane.workspace.sizeGi }}
          {{- $size = $lane.workspace.sizeGi }}
          {{- else }}
          {{- range $kind, $gi := $lane.workspace.giByKind }}
          {{- $size = max $size $gi }}
          {{- end }}
          {{- end }}
          # The task's workspace: a generic ephemeral volume, created with the pod and deleted with it.
          - name: workspace
            ephemeral:
              volumeClaimTemplate:
                metadata:
                  labels:
                    app.kubernetes.io/name: {{ include "leaf.fullname" . }}-long
                    app.kubernetes.io/part-of: leaf
                spec:
                  accessModes: ["ReadWriteOnce"]
                  storageClassName: {{ $lane.workspace.storageClassName | quote }}
                  resources:
                    requests:
                      storage: {{ printf "%dGi" (int $size) }}
  triggers:
    {{- include "leaf.servicebusTrigger" (dict "root" . "queueName" $lane.queueName "messageCount" $lane.messageCount "activationMessageCount" $lane.activationMessageCount) | nindent 4 }}
{{- end -}}
{{- end -}}
