import { parseArgs } from 'node:util';
import { clientIdSchema, roleSchema, type Role } from '@leaf/contracts';
import { devIssuerDirOf, loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';

export const tokenUsage = `usage: npm run token -- --client <id>[,<id>...]|'*' [--role reader|analyst|operator|admin] [--subject <name>] [--ttl-hours <n>] [--data-dir .data]

Mints a token of the local dev issuer (the embedded stack's gateway accepts it; no other does).
The key pair lives in <data-dir>/dev-issuer (the stack started with the same LEAF_DATA_DIR uses
it; without --data-dir, LEAF_DEV_ISSUER_DIR or LEAF_DATA_DIR as the stack reads them) and is
created on first use.
Use it as: curl -H "Authorization: Bearer $(npm run -s token -- --client northfield-tech)" http://localhost:3000/v1/clients`;

export class UsageError extends Error {}

/** The key the local stack uses: an explicit --data-dir, else the stack's own settings, in its order. */
function issuerDir(dataDir: string | undefined, env: NodeJS.ProcessEnv): string {
  if (dataDir) return devIssuerDirOf(dataDir);
  return env['LEAF_DEV_ISSUER_DIR']?.trim() || devIssuerDirOf(env['LEAF_DATA_DIR']?.trim() || '.data');
}

/** Parses the arguments and mints the token; a bad argument is a UsageError (exit 2). */
export async function mintFromArgs(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        client: { type: 'string' },
        role: { type: 'string', default: 'analyst' },
        subject: { type: 'string', default: 'dev-user' },
        'ttl-hours': { type: 'string', default: '8' },
        'data-dir': { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!values.client) throw new UsageError('--client is required');
  const clients = values.client === '*' ? '*' : values.client.split(',').map((c) => c.trim());
  if (clients !== '*') {
    for (const c of clients)
      if (!clientIdSchema.safeParse(c).success) throw new UsageError(`--client ${JSON.stringify(c)} is not a client id (lowercase kebab-case)`);
  }
  const role = roleSchema.safeParse(values.role);
  if (!role.success) throw new UsageError(`--role must be one of reader, analyst, operator, admin`);
  const ttlHours = Number(values['ttl-hours']);
  if (!Number.isFinite(ttlHours) || ttlHours <= 0 || ttlHours > 24 * 30) throw new UsageError('--ttl-hours must be a number of hours (at most 720)');
  const keys = loadOrCreateDevIssuerKeys(issuerDir(values['data-dir'], env));
  return mintDevToken(keys, { subject: values.subject, roles: [role.data as Role], clients, ttlSeconds: Math.round(ttlHours * 3600) });
}
