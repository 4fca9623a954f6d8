{{- define "leaf.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "leaf.fullname" . }}
  labels:
    {{- include "leaf.labels" . | nindent 4 }}
spec:
  {{- /* HPA or KEDA own the replica count when enabled; a fixed count would fight them on every upgrade. */}}
  {{- if not (or .Values.autoscaling.enabled (and .Values.keda .Values.keda.scaledObject.enabled)) }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "leaf.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "leaf.podLabels" . | nindent 8 }}
      annotations:
        checksum/config: {{ include "leaf.configmap" . | sha256sum }}
    spec:
      serviceAccountName: {{ include "leaf.fullname" . }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ include "leaf.terminationGraceSeconds" . }}
      securityContext:
        {{- include "leaf.podSecurityContext" . | nindent 8 }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: {{ .Values.topologySpread.zoneWhenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "leaf.selectorLabels" . | nindent 14 }}
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "leaf.selectorLabels" . | nindent 14 }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "leaf.image" . }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "leaf.fullname" . }}
          env:
            {{- include "leaf.env" . | nindent 12 }}
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ .Values.probes.startup.periodSeconds }}
            failureThreshold: {{ .Values.probes.startup.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
            timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
            failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
            timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
            failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ .Values.shutdown.preStopSleepSeconds }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "leaf.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            {{- include "leaf.volumeMounts" . | nindent 12 }}
      volumes:
        {{- include "leaf.volumes" . | nindent 8 }}
{{- end -}}
