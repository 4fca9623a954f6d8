type Json = Record<string, unknown>;

/** Builders of objects in the API's own shapes (only the fields a status reader looks at, but those exactly as served). */
const meta = (namespace: string, name: string, labels: Record<string, string> = {}, extra: Json = {}): Json => ({ namespace, name, labels, ...extra });

export interface DeploymentState {
  replicas: number;
  updated?: number;
  ready?: number;
  available?: number;
  generation?: number;
  observedGeneration?: number;
  /** A rollout past its progress deadline: Progressing=False, reason ProgressDeadlineExceeded. */
  deadlineExceeded?: boolean;
}

export function deploymentObject(namespace: string, name: string, state: DeploymentState): Json {
  const generation = state.generation ?? 2;
  const updated = state.updated ?? state.replicas;
  const ready = state.ready ?? updated;
  const available = state.available ?? ready;
  const progressing = state.deadlineExceeded
    ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${name}-7d9f" has timed out progressing.` }
    : {
        type: 'Progressing',
        status: 'True',
        reason: updated === state.replicas ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        message: `ReplicaSet "${name}-7d9f" is progressing.`,
      };
  return {
    metadata: meta(namespace, name, { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'leaf' }, { generation }),
    spec: {
      replicas: state.replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: { metadata: { labels: { 'app.kubernetes.io/name': name } }, spec: { containers: [{ name, image: `leafacr.azurecr.io/leaf/${name}:abc123` }] } },
    },
    status: {
      observedGeneration: state.observedGeneration ?? generation,
      replicas: Math.max(state.replicas, updated),
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      ...(available < state.replicas && { unavailableReplicas: state.replicas - available }),
      conditions: [
        {
          type: 'Available',
          status: available >= state.replicas ? 'True' : 'False',
          reason: available >= state.replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          lastUpdateTime: new Date().toISOString(),
          lastTransitionTime: new Date().toISOString(),
        },
        { ...progressing, lastUpdateTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() },
      ],
    },
  };
}

export interface PodState {
  app: string;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ready?: boolean;
  restarts?: number;
  /** A container waiting with this reason (CrashLoopBackOff, ImagePullBackOff…). */
  waiting?: string;
  job?: string;
}

export function podObject(namespace: string, name: string, state: PodState): Json {
  const ready = state.ready ?? (state.phase ?? 'Running') === 'Running';
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': state.app,
    'app.kubernetes.io/part-of': 'leaf',
    ...(state.job && { 'job-name': state.job, 'batch.kubernetes.io/job-name': state.job }),
  };
  return {
    metadata: meta(
      namespace,
      name,
      labels,
      state.job ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: state.job, uid: `uid-${state.job}`, controller: true }] } : {},
    ),
    spec: { containers: [{ name: state.app, image: `leafacr.azurecr.io/leaf/${state.app}:abc123` }] },
    status: {
      phase: state.phase ?? 'Running',
      startTime: new Date(Date.now() - 60_000).toISOString(),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: state.app,
          ready,
          restartCount: state.restarts ?? 0,
          image: `leafacr.azurecr.io/leaf/${state.app}:abc123`,
          imageID: '',
          started: ready,
          state: state.waiting
            ? { waiting: { reason: state.waiting, message: `back-off restarting failed container ${state.app}` } }
            : { running: { startedAt: new Date(Date.now() - 60_000).toISOString() } },
        },
      ],
    },
  };
}

export function jobObject(namespace: string, name: string, state: { app: string; active?: number; succeeded?: number; failed?: number }): Json {
  const done = (state.succeeded ?? 0) > 0 ? 'Complete' : (state.failed ?? 0) > 0 && !state.active ? 'Failed' : undefined;
  return {
    metadata: meta(namespace, name, { 'app.kubernetes.io/name': state.app, 'app.kubernetes.io/part-of': 'leaf' }),
    spec: { parallelism: 1, completions: 1, template: { spec: { containers: [{ name: state.app, image: `leafacr.azurecr.io/leaf/lane-worker:abc123` }] } } },
    status: {
      startTime: new Date(Date.now() - 30_000).toISOString(),
      ...(state.active && { active: state.active }),
      ...(state.succeeded && { succeeded: state.succeeded }),
      ...(state.failed && { failed: state.failed }),
      ...(done && { conditions: [{ type: done, status: 'True' }] }),
    },
  };
}

export interface KedaState {
  ready: boolean;
  active?: boolean;
  message?: string;
  maxReplicaCount?: number;
  /** ScaledObject: the scale target (a Deployment). */
  target?: string;
}

const kedaConditions = (state: KedaState) => [
  {
    type: 'Ready',
    status: state.ready ? 'True' : 'False',
    reason: state.ready ? 'ScaledObjectReady' : 'ScaledObjectCheckFailed',
    message: state.message ?? (state.ready ? 'ScaledObject is defined correctly and is ready for scaling' : 'ScaledObject check failed'),
  },
  {
    type: 'Active',
    status: state.active ? 'True' : 'False',
    reason: state.active ? 'ScalerActive' : 'ScalerNotActive',
    message: state.active ? 'Scaling is performed because triggers are active' : 'Scaling is not performed because triggers are not active',
  },
  { type: 'Fallback', status: 'False', reason: 'NoFallbackFound', message: 'No fallback was defined' },
];

export function scaledObject(namespace: string, name: string, state: KedaState): Json {
  return {
    metadata: meta(namespace, name, { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'leaf' }),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: state.target ?? name },
      maxReplicaCount: state.maxReplicaCount ?? 10,
      triggers: [{ type: 'azure-servicebus', metadata: { queueName: 'agent-tasks' } }],
    },
    status: { scaleTargetKind: 'apps/v1.Deployment', originalReplicaCount: 2, conditions: kedaConditions(state) },
  };
}

export function scaledJob(namespace: string, name: string, state: KedaState): Json {
  return {
    metadata: meta(namespace, name, { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'leaf' }),
    spec: {
      maxReplicaCount: state.maxReplicaCount ?? 5,
      jobTargetRef: { template: { spec: { containers: [{ name, image: 'leafacr.azurecr.io/leaf/lane-worker:abc123' }] } } },
      triggers: [{ type: 'azure-servicebus', metadata: { queueName: 'agent-tasks-long' } }],
    },
    status: {
      conditions: kedaConditions(state).map((c) => ({
        ...c,
        reason: c.reason.replace('ScaledObject', 'ScaledJob'),
        message: c.message.replace('ScaledObject', 'ScaledJob'),
      })),
    },
  };
}

export function serviceObject(namespace: string, name: string, port = 80): Json {
  return {
    metadata: meta(namespace, name, { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'leaf' }),
    spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }] },
  };
}
