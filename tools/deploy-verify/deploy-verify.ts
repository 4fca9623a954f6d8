import type { ClusterReader } from '@leaf/gateway/feature';

export interface VerifyOptions {
  /** Give up after this long (the rollouts' own progress deadlines usually fail sooner). */
  timeoutMs: number;
  /** Between two looks at the cluster. */
  intervalMs: number;
  /** Path every Leaf service answers 200 on when it can serve (checked through the API server's service proxy). */
  readyPath?: string;
  onRound?: (round: VerifyRound) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface VerifyRound {
  /** What is not yet as it must be; empty when the deployment is verified. */
  waiting: string[];
  /** What cannot get better by waiting (a rollout past its progress deadline, a crash loop). */
  failed: string[];
}

export interface VerifyResult {
  ok: boolean;
  rounds: number;
  problems: string[];
}

// Waiting reasons that mean the pod will not come up by itself.
const hopeless = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName']);

/** One look at the namespace: every rollout complete, its pods ready, KEDA objects Ready, each service ready. */
export async function inspectOnce(reader: ClusterReader, readyPath = '/health/ready'): Promise<VerifyRound> {
  const [rollouts, pods, keda, services] = await Promise.all([reader.deployments(), reader.pods(), reader.keda(), reader.services()]);
  const waiting: string[] = [];
  const failed: string[] = [];
  if (rollouts.length === 0) failed.push(`no Leaf Deployment in namespace ${reader.namespace}`);
  for (const d of rollouts) {
    if (d.failedMessage) failed.push(`Deployment ${d.name}: rollout failed: ${d.failedMessage}`);
    else if (!d.observed) waiting.push(`Deployment ${d.name}: the controller has not seen the new spec yet`);
    else if (d.updated < d.desired || d.available < d.desired || d.ready < d.desired)
      waiting.push(`Deployment ${d.name}: ${d.updated}/${d.desired} updated, ${d.ready}/${d.desired} ready, ${d.available}/${d.desired} available`);
  }
  const deployed = new Set(rollouts.map((d) => d.name));
  for (const p of pods.filter((pod) => pod.job === null && deployed.has(pod.app))) {
    if (p.waitingReason && hopeless.has(p.waitingReason)) failed.push(`pod ${p.name}: ${p.waitingReason} (${p.restarts} restarts)`);
    else if (!p.ready && p.phase !== 'Succeeded') waiting.push(`pod ${p.name}: ${p.phase}, not ready${p.restarts ? ` (${p.restarts} restarts)` : ''}`);
  }
  for (const k of keda) if (!k.ready) waiting.push(`${k.kind} ${k.name}: not Ready: ${k.message ?? 'no reason given'}`);
  await Promise.all(
    services.map(async (s) => {
      const answer = await reader.serviceGet(s.name, s.port, readyPath);
      if (answer.status !== 200) waiting.push(`service ${s.name}: ${readyPath} answered ${answer.status}${summary(answer.body)}`);
    }),
  );
  return { waiting: waiting.sort(), failed: failed.sort() };
}

/** The failing checks of a readiness answer, or the start of a non-JSON body: enough to know where to look. */
function summary(body: string): string {
  try {
    const parsed = JSON.parse(body) as { checks?: Array<{ name?: string; status?: string }>; message?: string };
    const down = (parsed.checks ?? []).filter((c) => c.status !== 'up').map((c) => c.name);
    if (down.length) return ` (down: ${down.join(', ')})`;
    if (parsed.message) return ` (${parsed.message.slice(0, 200)})`;
  } catch {
    // not JSON
  }
  return body ? ` (${body.slice(0, 120).replace(/\s+/g, ' ')})` : '';
}

/**
 * Waits until the namespace is what a finished deployment looks like, or fails as soon as
 * something cannot get better (or at the timeout) naming every problem still open.
 */
export async function verifyDeployment(reader: ClusterReader, options: VerifyOptions): Promise<VerifyResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + options.timeoutMs;
  for (let rounds = 1; ; rounds++) {
    const round = await inspectOnce(reader, options.readyPath);
    options.onRound?.(round);
    if (round.failed.length > 0) return { ok: false, rounds, problems: [...round.failed, ...round.waiting] };
    if (round.waiting.length === 0) return { ok: true, rounds, problems: [] };
    if (Date.now() + options.intervalMs > deadline)
      return { ok: false, rounds, problems: [`timed out after ${Math.round(options.timeoutMs / 1000)} s`, ...round.waiting] };
    await sleep(options.intervalMs);
  }
}
