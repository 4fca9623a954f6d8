import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { jwtVerify, type KeyObject } from 'jose';
import { Pool } from 'pg';

/**
 * The references the gateway is measured against. Each verifies the same dev-issuer JWT with
 * jose (signature, EdDSA only, issuer, audience, exp) and, like the gateway, remembers a verified
 * token until it expires: a reference that re-checked the signature on every request would flatter
 * the gateway, which does remember them.
 */
export interface TokenCheck {
  publicKey: KeyObject;
  issuer: string;
  audience: string;
}

function bearerGuard(check: TokenCheck) {
  const verified = new Map<string, number>();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const expiresAt = verified.get(token);
    if (expiresAt !== undefined && expiresAt > Date.now()) return;
    try {
      const { payload } = await jwtVerify(token, check.publicKey, {
        issuer: check.issuer,
        audience: check.audience,
        algorithms: ['EdDSA'],
        requiredClaims: ['exp'],
      });
      verified.set(token, (payload.exp as number) * 1000);
    } catch {
      return reply.code(401).send({ title: 'unauthorized' });
    }
  };
}

const listen = async (app: FastifyInstance) => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
};

/** The raw-Fastify ceiling and the "free" upstream: a constant JSON payload, no auth, no database. */
export function constantServer(path: string, payload: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get(path, (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(payload));
  return listen(app);
}

/** A bare proxy: jose-verified bearer token, then `@fastify/reply-from` to the upstream (undici, keep-alive). */
export async function bareProxy(upstreamUrl: string, check: TokenCheck): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(replyFrom, { base: upstreamUrl });
  const guard = bearerGuard(check);
  app.get('/v1/*', { preHandler: guard }, (request, reply) => reply.from(request.url));
  return listen(app);
}

interface ClientPeriodRow {
  client_id: string;
  name: string;
  segment: string;
  member_count: number;
  period_id: string | null;
  pbm_name: string | null;
  start_date: string | null;
  end_date: string | null;
}

/**
 * One raw Fastify process that verifies the token and runs claims-runtime's clients query (clients
 * with their periods, ordered the same way) on the same database, shaping the same JSON.
 */
export async function rawClientsService(databaseUrl: string, check: TokenCheck): Promise<{ app: FastifyInstance; pool: Pool }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const app = Fastify({ logger: false });
  app.addHook('onClose', () => pool.end());
  const guard = bearerGuard(check);
  app.get('/v1/clients', { preHandler: guard }, async () => {
    const { rows } = await pool.query<ClientPeriodRow>(
      `SELECT c.client_id, c.name, c.segment, c.member_count, p.period_id, p.pbm_name, p.start_date::text AS start_date, p.end_date::text AS end_date
       FROM clients c LEFT JOIN contract_periods p ON p.client_id = c.client_id
       ORDER BY c.client_id, p.start_date`,
    );
    const items: Array<Record<string, unknown> & { periods: unknown[] }> = [];
    for (const row of rows) {
      let client = items[items.length - 1];
      if (client?.['clientId'] !== row.client_id) {
        client = { clientId: row.client_id, name: row.name, segment: row.segment, memberCount: row.member_count, periods: [] };
        items.push(client);
      }
      if (row.period_id)
        client.periods.push({ periodId: row.period_id, clientId: row.client_id, pbmName: row.pbm_name, startDate: row.start_date, endDate: row.end_date });
    }
    return { items };
  });
  return { app: await listen(app), pool };
}
