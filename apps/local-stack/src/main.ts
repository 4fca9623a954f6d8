import 'reflect-metadata';
import { installGracefulShutdown, isConfigError } from '@leaf/platform';
import { startLocalStack } from './stack/start-local-stack';

async function main(): Promise<void> {
  const stack = await startLocalStack();
  installGracefulShutdown(stack.apps, { graceMs: stack.config.LEAF_SHUTDOWN_GRACE_MS, logger: stack.logger, afterClose: stack.releaseResources });
  const g = stack.gatewayUrl;
  process.stdout.write(
    [
      '',
      `Leaf is up: 8 services ready in ${(stack.readyMs / 1000).toFixed(1)} s`,
      `  health   ${g}/health`,
      `  API docs ${g}/docs`,
      `  clients  ${g}/v1/clients`,
      `  summary  ${g}/v1/clients/<clientId>/claims/summary?from=2025-01-01&to=2025-12-31`,
      `Data lives in ${stack.config.LEAF_DATA_DIR}/ (delete it to reseed). Ctrl+C stops everything.`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  if (isConfigError(e)) process.stderr.write(`local-stack: ${e.message}\n`);
  else process.stderr.write(`local-stack failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
