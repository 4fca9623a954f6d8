import { ClusterReader, defaultKubeConfig, kubeConfigFor } from '@leaf/gateway/feature';
import { verifyDeployment } from './deploy-verify';
import { VerifyArgsError, parseVerifyArgs } from './deploy-verify.args';

// Usage: npm run deploy:verify -- --namespace <ns> [--timeout <s>] [--interval <s>]
// Exit 0: every rollout complete, pods ready, KEDA objects Ready, every service ready.
// Exit 1: something is wrong (each problem on its own line). Exit 2: could not check at all.
async function main(): Promise<number> {
  try {
    const args = parseVerifyArgs(process.argv.slice(2));
    const token = process.env['LEAF_KUBE_TOKEN'];
    if (args.server && !token) throw new VerifyArgsError('--server needs the token in LEAF_KUBE_TOKEN');
    const connection = args.server
      ? await kubeConfigFor(args.server, token ?? '', args.namespace, { skipTLSVerify: args.insecureHttp })
      : await defaultKubeConfig(args.namespace);
    const started = Date.now();
    const result = await verifyDeployment(new ClusterReader(connection), {
      timeoutMs: args.timeoutSeconds * 1000,
      intervalMs: args.intervalSeconds * 1000,
      onRound: (round) =>
        process.stdout.write(
          `deploy:verify ${args.namespace}: ${round.failed.length} failed, ${round.waiting.length} waiting${round.waiting[0] ? ` (${round.waiting[0]})` : ''}\n`,
        ),
    });
    const took = `${Math.round((Date.now() - started) / 1000)} s`;
    if (result.ok) {
      process.stdout.write(`deploy:verify passed: ${args.namespace} is rolled out, ready and scaled by KEDA (${result.rounds} checks, ${took})\n`);
      return 0;
    }
    for (const problem of result.problems) process.stderr.write(`✗ ${problem}\n`);
    process.stderr.write(`deploy:verify FAILED: ${args.namespace} after ${took}\n`);
    return 1;
  } catch (error) {
    if (error instanceof VerifyArgsError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    const code = (error as { code?: unknown }).code;
    process.stderr.write(
      `deploy:verify could not read the cluster${typeof code === 'number' ? ` (HTTP ${code})` : ''}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`,
    );
    return 2;
  }
}

void main().then((status) => {
  process.exitCode = status;
});
