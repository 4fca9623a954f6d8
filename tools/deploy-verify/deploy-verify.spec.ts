import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ClusterReader, kubeConfigFor } from '@leaf/gateway/feature';
import { FakeKubernetes, deploymentObject, podObject, scaledJob, scaledObject, serviceObject } from '@leaf/testing';
import { verifyDeployment } from './deploy-verify';
import { parseVerifyArgs } from './deploy-verify.args';

const root = resolve(__dirname, '..', '..');
const run = promisify(execFile);
const services = ['gateway', 'claims-runtime', 'lane-worker'];

/** A namespace as a finished Helm upgrade leaves it: every rollout done, pods ready, KEDA Ready, services ready. */
function healthy(fake: FakeKubernetes, ns: string): void {
  for (const name of services) {
    fake.put('deployments', deploymentObject(ns, name, { replicas: 2 }));
    fake.put('pods', podObject(ns, `${name}-7d9f-a`, { app: name }));
    fake.put('pods', podObject(ns, `${name}-7d9f-b`, { app: name }));
    fake.put('services', serviceObject(ns, name));
    fake.proxy(ns, name, 80, '/health/ready', { status: 200, body: '{"status":"up","checks":[]}' });
  }
  fake.put('scaledobjects', scaledObject(ns, 'lane-worker', { ready: true }));
  fake.put('scaledjobs', scaledJob(ns, 'lane-worker-long', { ready: true }));
}

describe('deploy:verify against a fake Kubernetes API', () => {
  let fake: FakeKubernetes;
  const reader = async (ns: string) => new ClusterReader(await kubeConfigFor(fake.url, fake.token, ns, { skipTLSVerify: true }));

  beforeAll(async () => {
    fake = await FakeKubernetes.start();
  });
  afterAll(() => fake?.close());

  it('passes a namespace where every rollout is complete, every pod and service ready and KEDA Ready', async () => {
    healthy(fake, 'leaf-ok');
    expect(await verifyDeployment(await reader('leaf-ok'), { timeoutMs: 5_000, intervalMs: 10 })).toEqual({ ok: true, rounds: 1, problems: [] });
  });

  it('waits for a rollout in progress and a KEDA object becoming Ready, then passes', async () => {
    const ns = 'leaf-rolling';
    healthy(fake, ns);
    fake.put('deployments', deploymentObject(ns, 'gateway', { replicas: 2, updated: 1, ready: 1 }));
    fake.put('scaledjobs', scaledJob(ns, 'lane-worker-long', { ready: false, message: 'waiting for the trigger authentication' }));
    const seen: string[][] = [];
    const result = await verifyDeployment(await reader(ns), {
      timeoutMs: 10_000,
      intervalMs: 10,
      onRound: (round) => seen.push(round.waiting),
      // The cluster moves on between two looks.
      sleep: async () => {
        fake.put('deployments', deploymentObject(ns, 'gateway', { replicas: 2 }));
        fake.put('scaledjobs', scaledJob(ns, 'lane-worker-long', { ready: true }));
      },
    });
    expect(result).toEqual({ ok: true, rounds: 2, problems: [] });
    expect(seen[0]).toEqual([
      'Deployment gateway: 1/2 updated, 1/2 ready, 1/2 available',
      'ScaledJob lane-worker-long: not Ready: waiting for the trigger authentication',
    ]);
  });

  it('fails a rollout past its progress deadline at once, naming it, a crash-looping pod and an unready service', async () => {
    const ns = 'leaf-broken';
    healthy(fake, ns);
    fake.put('deployments', deploymentObject(ns, 'claims-runtime', { replicas: 2, updated: 1, ready: 1, deadlineExceeded: true }));
    fake.put('pods', podObject(ns, 'claims-runtime-8e0a-c', { app: 'claims-runtime', ready: false, restarts: 5, waiting: 'CrashLoopBackOff' }));
    fake.proxy(ns, 'claims-runtime', 80, '/health/ready', {
      status: 503,
      body: '{"status":"down","checks":[{"name":"claims-source","status":"down"},{"name":"bus","status":"up"}]}',
    });
    const result = await verifyDeployment(await reader(ns), { timeoutMs: 60_000, intervalMs: 10 });
    expect(result.ok).toBe(false);
    expect(result.rounds).toBe(1);
    expect(result.problems).toEqual([
      'Deployment claims-runtime: rollout failed: ReplicaSet "claims-runtime-7d9f" has timed out progressing.',
      'pod claims-runtime-8e0a-c: CrashLoopBackOff (5 restarts)',
      'service claims-runtime: /health/ready answered 503 (down: claims-source)',
    ]);
  });

  it('gives up at the timeout with what is still not ready', async () => {
    const ns = 'leaf-slow';
    healthy(fake, ns);
    fake.put('pods', podObject(ns, 'lane-worker-7d9f-b', { app: 'lane-worker', phase: 'Pending', ready: false }));
    const result = await verifyDeployment(await reader(ns), { timeoutMs: 50, intervalMs: 20 });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['timed out after 0 s', 'pod lane-worker-7d9f-b: Pending, not ready']);
  });

  it('as npm run deploy:verify: exit 1 listing what is wrong, never the token; exit 2 for bad arguments', async () => {
    const env = { ...process.env, SWC_NODE_PROJECT: 'tsconfig.run.json', LEAF_KUBE_TOKEN: fake.token };
    const cli = (args: string[]) =>
      run(process.execPath, ['-r', '@swc-node/register', 'tools/deploy-verify/main.ts', ...args], { cwd: root, env, timeout: 150_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const usage = await cli(['--timeout', '5']);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('--namespace must name a Kubernetes namespace')]);
    const failed = await cli(['--namespace', 'leaf-broken', '--server', fake.url, '--insecure-http', '--timeout', '5', '--interval', '1']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('✗ Deployment claims-runtime: rollout failed');
    expect(failed.stderr).toContain('✗ service claims-runtime: /health/ready answered 503 (down: claims-source)');
    expect(failed.stderr).toContain('deploy:verify FAILED: leaf-broken');
    expect(failed.stdout + failed.stderr).not.toContain(fake.token);
  }, 200_000);

  it('parses its arguments strictly', () => {
    expect(parseVerifyArgs(['--namespace', 'leaf-prod'])).toEqual({
      namespace: 'leaf-prod',
      timeoutSeconds: 600,
      intervalSeconds: 5,
      server: undefined,
      insecureHttp: false,
    });
    expect(() => parseVerifyArgs(['--namespace', 'Leaf_Prod'])).toThrow('--namespace must name');
    expect(() => parseVerifyArgs(['--namespace', 'leaf-prod', '--timeout', '0'])).toThrow('--timeout must be');
    expect(() => parseVerifyArgs(['--namespace', 'leaf-prod', '--token', 'x'])).toThrow("Unknown option '--token'");
  });
});
