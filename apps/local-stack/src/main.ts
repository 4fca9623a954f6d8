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
      `  API docs ${g}/docs`,
      `  health   ${g}/health                (operator token)`,
      `  clients  ${g}/v1/clients            (any role)`,
      `  reconcile POST ${g}/v1/clients/<clientId>/reconciliations {"periodId":"<clientId>-py2025"} (analyst)`,
      `Every route but /docs needs a token: T=$(npm run -s token -- --client '*' --role operator)`,
      `  curl -H "Authorization: Bearer $T" ${g}/v1/clients`,
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
