import { FakeKubernetes, deploymentObject, jobObject, podObject, scaledJob, scaledObject, serviceObject } from '@leaf/testing';
import { ClusterReader, inClusterConnection, kubeConfigFor } from './cluster-reader';

describe('ClusterReader through @kubernetes/client-node against a fake API server', () => {
  let fake: FakeKubernetes;
  let reader: ClusterReader;
  const ns = 'leaf-test';

  beforeAll(async () => {
    fake = await FakeKubernetes.start();
    reader = new ClusterReader(await kubeConfigFor(fake.url, fake.token, ns, { skipTLSVerify: true }));
    fake.put('deployments', { ...deploymentObject(ns, 'lane-worker', { replicas: 3, ready: 2 }) });
    fake.put('deployments', deploymentObject(ns, 'gateway', { replicas: 2, updated: 1, deadlineExceeded: true }));
    fake.put('deployments', deploymentObject('other-namespace', 'gateway', { replicas: 2 }));
    fake.put('pods', podObject(ns, 'lane-worker-7d9f-a', { app: 'lane-worker', restarts: 4, waiting: 'CrashLoopBackOff', ready: false }));
    fake.put('pods', podObject(ns, 'lane-worker-long-x1-abc', { app: 'lane-worker-long', job: 'lane-worker-long-x1' }));
    fake.put('jobs', jobObject(ns, 'lane-worker-long-x1', { app: 'lane-worker-long', active: 1 }));
    fake.put('jobs', jobObject(ns, 'lane-worker-long-x0', { app: 'lane-worker-long', succeeded: 1 }));
    fake.put('scaledobjects', scaledObject(ns, 'lane-worker', { ready: true, active: true, maxReplicaCount: 30 }));
    fake.put('scaledjobs', scaledJob(ns, 'lane-worker-long', { ready: false, message: 'error parsing azure service bus metadata: no queueName given' }));
    fake.put('services', serviceObject(ns, 'gateway'));
    fake.proxy(ns, 'gateway', 80, '/health/ready', { status: 503, body: '{"status":"down","checks":[{"name":"database","status":"down"}]}' });
  });
  afterAll(() => fake?.close());

  it('reads rollouts of its namespace only, and names a rollout past its progress deadline', async () => {
    const rollouts = await reader.deployments();
    expect(rollouts.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      {
        name: 'gateway',
        desired: 2,
        updated: 1,
        ready: 1,
        available: 1,
        observed: true,
        failedMessage: 'ReplicaSet "gateway-7d9f" has timed out progressing.',
      },
      { name: 'lane-worker', desired: 3, updated: 3, ready: 2, available: 2, observed: true, failedMessage: null },
    ]);
    expect(fake.requests.every((r) => r.authorization === `Bearer ${fake.token}`)).toBe(true);
  });

  it('reads pods with phase, readiness, restarts and the Job that owns them; Jobs with their phase; KEDA objects with readiness and replicas', async () => {
    const pods = await reader.pods();
    expect(pods.find((p) => p.name === 'lane-worker-7d9f-a')).toMatchObject({ ready: false, restarts: 4, waitingReason: 'CrashLoopBackOff', job: null });
    expect(pods.find((p) => p.name === 'lane-worker-long-x1-abc')).toMatchObject({ ready: true, phase: 'Running', job: 'lane-worker-long-x1' });
    expect((await reader.jobs()).map((j) => [j.name, j.phase]).sort()).toEqual([
      ['lane-worker-long-x0', 'Succeeded'],
      ['lane-worker-long-x1', 'Running'],
    ]);
    expect(await reader.keda()).toEqual([
      { kind: 'ScaledObject', name: 'lane-worker', ready: true, active: true, message: null, currentReplicas: 3, maxReplicas: 30 },
      {
        kind: 'ScaledJob',
        name: 'lane-worker-long',
        ready: false,
        active: false,
        message: 'error parsing azure service bus metadata: no queueName given',
        currentReplicas: 1,
        maxReplicas: 5,
      },
    ]);
  });

  it("reaches a service's readiness through the API server's proxy, and a refused token is an error", async () => {
    expect(await reader.serviceGet('gateway', 80, '/health/ready')).toEqual({ status: 503, body: expect.stringContaining('"database"') });
    expect(await reader.serviceGet('claims-runtime', 80, '/health/ready')).toMatchObject({
      status: 503,
      body: expect.stringContaining('no endpoints available'),
    });
    const refused = new ClusterReader(await kubeConfigFor(fake.url, 'wrong-token', ns, { skipTLSVerify: true }));
    await expect(refused.deployments()).rejects.toMatchObject({ code: 401 });
  });

  it('outside a cluster says so instead of guessing', async () => {
    expect(await inClusterConnection({})).toEqual({ connected: false, reason: expect.stringContaining('not running in a Kubernetes cluster') });
  });
});
