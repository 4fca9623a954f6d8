import { laneQueues } from '@leaf/contracts';
import { builtInTaskKinds, type TaskKindDefinition } from '@leaf/task-ledger';
import { type ChartFinding, type K8sObject, objectRef } from './k8s-object';
import { podSpecOf } from './manifest-policy.rules';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asRecord) : []);
const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, key) => asRecord(v)[key], value);

const gib = (quantity: unknown): number | undefined => {
  const match = /^(\d+)(Gi|Mi)$/.exec(String(quantity ?? ''));
  if (!match) return undefined;
  return match[2] === 'Gi' ? Number(match[1]) : Number(match[1]) / 1024;
};

const envOf = (object: K8sObject): Map<string, string> =>
  new Map(asArray(podSpecOf(object)?.['containers']).flatMap((c) => asArray(c['env']).map((e) => [String(e['name']), String(e['value'] ?? '')] as const)));

const queueOfTrigger = (object: K8sObject): string[] => asArray(at(object, 'spec', 'triggers')).map((t) => String(at(t, 'metadata', 'queueName')));

/**
 * What a deployed lane-worker must look like for tasks to reach a worker of their lane: the
 * Deployment serves `agent-tasks` and its ScaledObject scales on it; a ScaledJob on
 * `agent-tasks-long` starts one Job per message (one task, then exit) as the service's workload
 * identity, with an ephemeral workspace at least as large as every long kind declares.
 */
export function laneFindings(
  chart: string,
  caseName: string,
  objects: readonly K8sObject[],
  kinds: readonly TaskKindDefinition[] = builtInTaskKinds,
): ChartFinding[] {
  const findings: ChartFinding[] = [];
  const problem = (object: string, message: string) => findings.push({ chart, case: caseName, object, rule: 'lanes', message });

  const configMap = objects.find((o) => o.kind === 'ConfigMap');
  const deploymentQueue = asRecord(configMap?.['data'])['LEAF_LANE_QUEUE'];
  if (deploymentQueue !== laneQueues.short)
    problem(configMap ? objectRef(configMap) : 'ConfigMap', `the Deployment's LEAF_LANE_QUEUE is ${String(deploymentQueue)}, not ${laneQueues.short}`);

  const scaledObject = objects.find((o) => o.kind === 'ScaledObject');
  if (!scaledObject) problem('ScaledObject', `no ScaledObject scales the short lane on ${laneQueues.short}`);
  else if (!queueOfTrigger(scaledObject).every((q) => q === laneQueues.short))
    problem(objectRef(scaledObject), `scales on ${queueOfTrigger(scaledObject).join(', ')}, not ${laneQueues.short}`);

  const scaledJob = objects.find((o) => o.kind === 'ScaledJob');
  if (!scaledJob) {
    problem('ScaledJob', `no ScaledJob runs the long lane (${laneQueues.long})`);
    return findings;
  }
  const ref = objectRef(scaledJob);
  const triggers = queueOfTrigger(scaledJob);
  if (triggers.length === 0 || !triggers.every((q) => q === laneQueues.long))
    problem(ref, `triggers on ${triggers.join(', ') || 'nothing'}, not ${laneQueues.long}`);
  const env = envOf(scaledJob);
  if (env.get('LEAF_LANE_QUEUE') !== laneQueues.long)
    problem(ref, `the Job's LEAF_LANE_QUEUE is ${env.get('LEAF_LANE_QUEUE') ?? 'unset'}, not ${laneQueues.long}`);
  if (env.get('LEAF_LANE_WORKER_ONE_TASK') !== 'true') problem(ref, 'the Job does not run one task per Job (LEAF_LANE_WORKER_ONE_TASK)');
  if (at(scaledJob, 'spec', 'jobTargetRef', 'parallelism') !== 1) problem(ref, 'a Job must run one pod (parallelism 1)');

  const template = asRecord(at(scaledJob, 'spec', 'jobTargetRef', 'template'));
  if (asRecord(at(template, 'metadata', 'labels'))['azure.workload.identity/use'] !== 'true')
    problem(ref, 'the Job pods do not use workload identity (label azure.workload.identity/use)');
  const serviceAccount = at(template, 'spec', 'serviceAccountName');
  if (!objects.some((o) => o.kind === 'ServiceAccount' && at(o, 'metadata', 'name') === serviceAccount))
    problem(ref, `the Job's ServiceAccount ${String(serviceAccount)} is not in the release`);

  const workspaceDir = env.get('LEAF_TASK_WORKSPACE_DIR');
  const mount = asArray(asArray(at(template, 'spec', 'containers'))[0]?.['volumeMounts']).find((m) => m['mountPath'] === workspaceDir);
  const volume = asArray(at(template, 'spec', 'volumes')).find((v) => v['name'] === mount?.['name']);
  const size = gib(at(volume, 'ephemeral', 'volumeClaimTemplate', 'spec', 'resources', 'requests', 'storage'));
  if (!workspaceDir || !volume || size === undefined) {
    problem(ref, 'no ephemeral workspace volume mounted at LEAF_TASK_WORKSPACE_DIR');
    return findings;
  }
  for (const kind of kinds.filter((k) => k.lane === 'long')) {
    const needed = kind.workspaceGi ?? 1;
    if (size < needed) problem(ref, `the workspace is ${size}Gi but ${kind.kind} needs ${needed}Gi`);
  }
  return findings;
}
