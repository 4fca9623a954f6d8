import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeSalesforceServer } from '@leaf/fake-salesforce';

/**
 * `npm run fake-salesforce -- [--port 3190] [--requests 60] [--seed 20251123] [--dir .data/fake-salesforce]`:
 * the synthetic Salesforce org (IT requests with history, files, notes, feed) on a fixed local
 * HTTPS port, for a salesforce-mirror started alone (`npm start` serves its own inside the
 * launcher). Its self-signed certificate is written to `<dir>/ca.pem`; the service trusts it
 * through NODE_EXTRA_CA_CERTS. Prints the settings to start it with; runs until Ctrl-C. The
 * client id and secret are fixed (dev only).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3190' },
      requests: { type: 'string', default: '60' },
      seed: { type: 'string', default: '20251123' },
      dir: { type: 'string', default: '.data/fake-salesforce' },
    },
  });
  const dir = resolve(values.dir);
  mkdirSync(dir, { recursive: true });
  const fake = await FakeSalesforceServer.start({
    port: Number(values.port),
    requests: Number(values.requests),
    seed: Number(values.seed),
    clientId: 'leaf-dev-fake-org',
    clientSecret: 'leaf-dev-fake-org-secret',
  });
  writeFileSync(join(dir, 'ca.pem'), fake.certificate);
  process.stdout.write(
    [
      `fake Salesforce org at ${fake.url} (${values.requests} IT requests); start salesforce-mirror with:`,
      `  NODE_EXTRA_CA_CERTS=${join(dir, 'ca.pem')} LEAF_SALESFORCE_LOGIN_URL=${fake.url} LEAF_SALESFORCE_CLIENT_ID=${fake.clientId} LEAF_SALESFORCE_CLIENT_SECRET=${fake.clientSecret} LEAF_SALESFORCE_SYNC_ON_START=true npm run service -- salesforce-mirror`,
      '',
    ].join('\n'),
  );
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
