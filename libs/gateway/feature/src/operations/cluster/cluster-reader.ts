import { existsSync } from 'node:fs';
import type { KedaObjectStatus, WorkloadJob, WorkloadPod } from '@leaf/contracts';
import type { KubeConfig, V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asRecord) : []);
const iso = (value: Date | string | undefined): string | null => (value === undefined ? null : new Date(value).toISOString());

/** Where the cluster is and which namespace is ours. */
export interface ClusterConnection {
  kubeConfig: KubeConfig;
  namespace: string;
}

export type ClusterConnectionResult = { connected: true; connection: ClusterConnection } | { connected: false; reason: string };

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The pod's own service account (in-cluster config): the API server from KUBERNETES_SERVICE_HOST,
 * the token and CA the kubelet mounts, the namespace the pod runs in. Outside a cluster it says
 * why instead of guessing a kubeconfig.
 */
export async function inClusterConnection(env: NodeJS.ProcessEnv = process.env): Promise<ClusterConnectionResult> {
  if (!env['KUBERNETES_SERVICE_HOST']) return { connected: false, reason: 'not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is unset)' };
  if (!existsSync(`${serviceAccountDir}/token`))
    return { connected: false, reason: 'no service account token is mounted (the chart mounts one when kubernetesApi.enabled is true)' };
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromCluster();
  const namespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  return { connected: true, connection: { kubeConfig, namespace } };
}

/** A kubeconfig for an explicit API server and token (deploy:verify from CI, specs against the fake). */
export async function kubeConfigFor(
  server: string,
  token: string,
  namespace: string,
  options: { caData?: string; skipTLSVerify?: boolean } = {},
): Promise<ClusterConnection> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'target', server, caData: options.caData, skipTLSVerify: options.skipTLSVerify ?? false }],
    users: [{ name: 'caller', token }],
    contexts: [{ name: 'target', cluster: 'target', user: 'caller', namespace }],
    currentContext: 'target',
  });
  return { kubeConfig, namespace };
}

/** The default kubeconfig ($KUBECONFIG or ~/.kube/config, as kubectl and `az aks get-credentials` leave it). */
export async function defaultKubeConfig(namespace: string): Promise<ClusterConnection> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return { kubeConfig, namespace };
}

export interface DeploymentRollout {
  name: string;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** The controller has seen the latest spec. */
  observed: boolean;
  /** Progressing=False with ProgressDeadlineExceeded: the rollout failed. */
  failedMessage: string | null;
}

export interface PodHealth extends WorkloadPod {
  app: string;
  /** A container waiting with this reason (CrashLoopBackOff, ImagePullBackOff…). */
  waitingReason: string | null;
}

const conditionOf = (conditions: unknown, type: string): Json | undefined => asArray(conditions).find((c) => c['type'] === type);

/**
 * Reads the Leaf workloads of one namespace through `@kubernetes/client-node`: Deployments'
 * rollouts, pods (phase, readiness, restarts), Jobs, KEDA ScaledObjects and ScaledJobs, and a
 * service's own endpoint through the API server's service proxy. Read-only: every call is a GET
 * (the chart's Role grants get/list and nothing else).
 */
export class ClusterReader {
  constructor(private readonly connection: ClusterConnection) {}

  get namespace(): string {
    return this.connection.namespace;
  }

  private async apis() {
    const k8s = await import('@kubernetes/client-node');
    const kc = this.connection.kubeConfig;
    return {
      k8s,
      apps: kc.makeApiClient(k8s.AppsV1Api),
      core: kc.makeApiClient(k8s.CoreV1Api),
      batch: kc.makeApiClient(k8s.BatchV1Api),
      custom: kc.makeApiClient(k8s.CustomObjectsApi),
    };
  }

  async deployments(): Promise<DeploymentRollout[]> {
    const { apps } = await this.apis();
    const list = await apps.listNamespacedDeployment({ namespace: this.namespace, labelSelector: 'app.kubernetes.io/part-of=leaf' });
    return list.items.map((d: V1Deployment) => {
      const progressing = (d.status?.conditions ?? []).find((c) => c.type === 'Progressing');
      return {
        name: d.metadata?.name ?? '',
        desired: d.spec?.replicas ?? 1,
        updated: d.status?.updatedReplicas ?? 0,
        ready: d.status?.readyReplicas ?? 0,
        available: d.status?.availableReplicas ?? 0,
        observed: (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0),
        failedMessage:
          progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded' ? (progressing.message ?? 'progress deadline exceeded') : null,
      };
    });
  }

  async pods(): Promise<PodHealth[]> {
    const { core } = await this.apis();
    const list = await core.listNamespacedPod({ namespace: this.namespace, labelSelector: 'app.kubernetes.io/part-of=leaf' });
    return list.items.map((p: V1Pod) => {
      const statuses = p.status?.containerStatuses ?? [];
      const owner = (p.metadata?.ownerReferences ?? []).find((o) => o.kind === 'Job');
      return {
        name: p.metadata?.name ?? '',
        app: p.metadata?.labels?.['app.kubernetes.io/name'] ?? '',
        phase: p.status?.phase ?? 'Unknown',
        ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
        restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
        job: owner?.name ?? null,
        startedAt: iso(p.status?.startTime),
        waitingReason: statuses.map((s) => s.state?.waiting?.reason).find((r) => r !== undefined) ?? null,
      };
    });
  }

  async jobs(): Promise<Array<WorkloadJob & { app: string }>> {
    const { batch } = await this.apis();
    const list = await batch.listNamespacedJob({ namespace: this.namespace, labelSelector: 'app.kubernetes.io/part-of=leaf' });
    return list.items.map((j: V1Job) => {
      const conditions = j.status?.conditions ?? [];
      const done = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
      const active = j.status?.active ?? 0;
      return {
        name: j.metadata?.name ?? '',
        app: j.metadata?.labels?.['app.kubernetes.io/name'] ?? '',
        phase: done('Complete') ? 'Succeeded' : done('Failed') ? 'Failed' : active > 0 ? 'Running' : 'Pending',
        active,
        failed: j.status?.failed ?? 0,
        startedAt: iso(j.status?.startTime),
      } as const;
    });
  }

  /** KEDA objects with their Ready and Active conditions and current replicas (the Deployment's, or the running Jobs'). */
  async keda(): Promise<KedaObjectStatus[]> {
    const { apps, custom } = await this.apis();
    const list = async (plural: 'scaledobjects' | 'scaledjobs') =>
      asArray(asRecord(await custom.listNamespacedCustomObject({ group: 'keda.sh', version: 'v1alpha1', namespace: this.namespace, plural }))['items']);
    const [objects, jobs, runningJobs] = await Promise.all([list('scaledobjects'), list('scaledjobs'), this.jobs()]);
    const status = (o: Json) => {
      const ready = conditionOf(asRecord(o['status'])['conditions'], 'Ready');
      const active = conditionOf(asRecord(o['status'])['conditions'], 'Active');
      return {
        ready: ready?.['status'] === 'True',
        active: active?.['status'] === 'True',
        message: ready?.['status'] === 'True' ? null : String(ready?.['message'] ?? 'no Ready condition yet'),
      };
    };
    const fromObjects = await Promise.all(
      objects.map(async (o): Promise<KedaObjectStatus> => {
        const spec = asRecord(o['spec']);
        const target = String(asRecord(spec['scaleTargetRef'])['name'] ?? '');
        const deployment = target ? await apps.readNamespacedDeployment({ name: target, namespace: this.namespace }).catch(() => undefined) : undefined;
        return {
          kind: 'ScaledObject',
          name: String(asRecord(o['metadata'])['name']),
          ...status(o),
          currentReplicas: deployment?.status?.replicas ?? 0,
          maxReplicas: typeof spec['maxReplicaCount'] === 'number' ? spec['maxReplicaCount'] : null,
        };
      }),
    );
    const fromJobs = jobs.map((o): KedaObjectStatus => {
      const name = String(asRecord(o['metadata'])['name']);
      const spec = asRecord(o['spec']);
      return {
        kind: 'ScaledJob',
        name,
        ...status(o),
        currentReplicas: runningJobs.filter((j) => j.app === name && j.phase === 'Running').length,
        maxReplicas: typeof spec['maxReplicaCount'] === 'number' ? spec['maxReplicaCount'] : null,
      };
    });
    return [...fromObjects, ...fromJobs];
  }

  /** The Leaf Services and their first port. */
  async services(): Promise<Array<{ name: string; port: number }>> {
    const { core } = await this.apis();
    const list = await core.listNamespacedService({ namespace: this.namespace, labelSelector: 'app.kubernetes.io/part-of=leaf' });
    return list.items.map((s) => ({ name: s.metadata?.name ?? '', port: s.spec?.ports?.[0]?.port ?? 80 }));
  }

  /** GET a path of a Service through the API server's proxy: no port-forward, no ingress needed. */
  async serviceGet(name: string, port: number, path: string): Promise<{ status: number; body: string }> {
    const { core, k8s } = await this.apis();
    try {
      const body = await core.connectGetNamespacedServiceProxy({ name: `${name}:${port}`, namespace: this.namespace, path });
      return { status: 200, body: typeof body === 'string' ? body : JSON.stringify(body) };
    } catch (error) {
      if (error instanceof k8s.ApiException)
        return { status: error.code, body: typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? '') };
      throw error;
    }
  }
}
