import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeSalesforceServer } from '@leaf/testing';

/**
 * `npm run fake-salesforce -- [--port 3190] [--requests 60] [--dir .data/fake-salesforce]`: a
 * synthetic Salesforce org (IT requests with history, files, notes, feed, deletes) on a local
 * HTTPS port for the local stack to mirror. Its self-signed certificate is written to
 * `<dir>/ca.pem`; the stack trusts it through NODE_EXTRA_CA_CERTS. Prints the settings to start
 * the stack with; runs until Ctrl-C. The client id and secret are fixed per directory (dev only).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3190' },
      requests: { type: 'string', default: '60' },
      dir: { type: 'string', default: '.data/fake-salesforce' },
    },
  });
  const dir = resolve(values.dir);
  mkdirSync(dir, { recursive: true });
  const fake = await FakeSalesforceServer.start({
    port: Number(values.port),
    requests: Number(values.requests),
    clientId: 'leaf-dev-fake-org',
    clientSecret: 'leaf-dev-fake-org-secret',
  });
  writeFileSync(join(dir, 'ca.pem'), fake.certificate);
  process.stdout.write(
    [
      `fake Salesforce org at ${fake.url} (${values.requests} IT requests); start the stack with:`,
      `  NODE_EXTRA_CA_CERTS=${join(dir, 'ca.pem')} LEAF_SALESFORCE_LOGIN_URL=${fake.url} LEAF_SALESFORCE_CLIENT_ID=${fake.clientId} LEAF_SALESFORCE_CLIENT_SECRET=${fake.clientSecret} LEAF_SALESFORCE_SYNC_ON_START=true npm start`,
      '',
    ].join('\n'),
  );
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
