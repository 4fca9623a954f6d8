import { FakeKubernetes, deploymentObject, jobObject, podObject, scaledJob, scaledObject } from '@leaf/testing';
import { kubeConfigFor } from './cluster-reader';
import { readLaneWorkerCluster } from './lane-worker-cluster';

describe('the operations API cluster part against a fake Kubernetes API', () => {
  let fake: FakeKubernetes;
  const ns = 'leaf-prod';

  beforeAll(async () => {
    fake = await FakeKubernetes.start();
    fake.put('deployments', deploymentObject(ns, 'lane-worker', { replicas: 2 }));
    fake.put('deployments', deploymentObject(ns, 'gateway', { replicas: 2 }));
    fake.put('pods', podObject(ns, 'lane-worker-5c7-a', { app: 'lane-worker', restarts: 2 }));
    fake.put('pods', podObject(ns, 'lane-worker-5c7-b', { app: 'lane-worker', phase: 'Pending', ready: false }));
    fake.put('pods', podObject(ns, 'gateway-6d8-a', { app: 'gateway' }));
    fake.put('pods', podObject(ns, 'lane-worker-long-q8z-k2', { app: 'lane-worker-long', job: 'lane-worker-long-q8z' }));
    fake.put('jobs', jobObject(ns, 'lane-worker-long-q8z', { app: 'lane-worker-long', active: 1 }));
    fake.put('jobs', jobObject(ns, 'lane-worker-long-p1a', { app: 'lane-worker-long', failed: 2 }));
    fake.put('scaledobjects', scaledObject(ns, 'lane-worker', { ready: true, maxReplicaCount: 30 }));
    fake.put('scaledjobs', scaledJob(ns, 'lane-worker-long', { ready: true, active: true, maxReplicaCount: 20 }));
  });
  afterAll(() => fake?.close());

  it('lists KEDA objects with readiness and replicas, and only lane-worker pods and Jobs with phase and restarts', async () => {
    const status = await readLaneWorkerCluster(async () => ({
      connected: true,
      connection: await kubeConfigFor(fake.url, fake.token, ns, { skipTLSVerify: true }),
    }));
    if (!status.available) throw new Error(status.reason);
    expect(status.namespace).toBe(ns);
    expect(status.keda).toEqual([
      expect.objectContaining({ kind: 'ScaledObject', name: 'lane-worker', ready: true, currentReplicas: 2, maxReplicas: 30 }),
      expect.objectContaining({ kind: 'ScaledJob', name: 'lane-worker-long', ready: true, active: true, currentReplicas: 1, maxReplicas: 20 }),
    ]);
    expect(status.laneWorkerPods.map((p) => [p.name, p.phase, p.ready, p.restarts, p.job]).sort()).toEqual([
      ['lane-worker-5c7-a', 'Running', true, 2, null],
      ['lane-worker-5c7-b', 'Pending', false, 0, null],
      ['lane-worker-long-q8z-k2', 'Running', true, 0, 'lane-worker-long-q8z'],
    ]);
    expect(status.laneWorkerJobs.map((j) => [j.name, j.phase, j.failed]).sort()).toEqual([
      ['lane-worker-long-p1a', 'Failed', 2],
      ['lane-worker-long-q8z', 'Running', 0],
    ]);
  });

  it('an API server that refuses the token is reported, not thrown', async () => {
    const status = await readLaneWorkerCluster(async () => ({
      connected: true,
      connection: await kubeConfigFor(fake.url, 'revoked', ns, { skipTLSVerify: true }),
    }));
    expect(status).toEqual({ available: false, reason: 'the Kubernetes API did not answer (HTTP 401)' });
  });
});
