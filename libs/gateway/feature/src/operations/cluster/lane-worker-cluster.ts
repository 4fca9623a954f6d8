import type { ClusterStatus } from '@leaf/contracts';
import type { ClusterConnectionResult } from './cluster-reader';
import { ClusterReader } from './cluster-reader';

/** lane-worker's pods and Jobs are named for it: `lane-worker` (the Deployment) and `lane-worker-long` (the ScaledJob). */
const isLaneWorker = (app: string) => app === 'lane-worker' || app.startsWith('lane-worker-');

/** The cluster part of the operations API: KEDA objects, lane-worker pods and Jobs; or why there is none. */
export async function readLaneWorkerCluster(connect: () => Promise<ClusterConnectionResult>): Promise<ClusterStatus> {
  const result = await connect();
  if (!result.connected) return { available: false, reason: result.reason };
  const reader = new ClusterReader(result.connection);
  try {
    const [keda, pods, jobs] = await Promise.all([reader.keda(), reader.pods(), reader.jobs()]);
    return {
      available: true,
      namespace: reader.namespace,
      keda,
      laneWorkerPods: pods.filter((p) => isLaneWorker(p.app)).map(({ app: _app, waitingReason: _waiting, ...pod }) => pod),
      laneWorkerJobs: jobs.filter((j) => isLaneWorker(j.app)).map(({ app: _app, ...job }) => job),
    };
  } catch (error) {
    // The API server refused or is unreachable: said plainly, without the request's details.
    const code = (error as { code?: unknown }).code;
    return { available: false, reason: `the Kubernetes API did not answer${typeof code === 'number' ? ` (HTTP ${code})` : ''}` };
  }
}
