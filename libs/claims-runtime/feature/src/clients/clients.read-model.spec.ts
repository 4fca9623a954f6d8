import type { GuaranteeList } from '@leaf/contracts';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { createDataSource } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed } from '@leaf/synthetic-data';
import { createSeededDatabase, startClaimsRuntime, type RunningClaimsRuntime } from '../testing/claims-runtime.fixture';
import { matches } from './clients.read-model';

const seed = createSyntheticSeed({ seed: 23, claims: 500 });
const client = seed.clients[0]!;
const period = seed.contractPeriods.find((p) => p.clientId === client.clientId)!;
const reader = identityHeaders({ subject: 'reader@client', roles: ['reader'], clientIds: [client.clientId] });
const everyone = identityHeaders({ subject: 'ops', roles: ['operator'], clientIds: '*' });

describe('If-None-Match', () => {
  it('matches the tag itself, its weak form, a list holding it and *; nothing else', () => {
    expect(matches('"abc"', '"abc"')).toBe(true);
    expect(matches('W/"abc"', '"abc"')).toBe(true);
    expect(matches('"x", "abc"', '"abc"')).toBe(true);
    expect(matches('*', '"abc"')).toBe(true);
    expect(matches('"abd"', '"abc"')).toBe(false);
    expect(matches(undefined, '"abc"')).toBe(false);
  });
});

describe.each(testDatabaseTargets())('claims-runtime clients and guarantees read models ($name)', ({ create }) => {
  let db: TestDatabase;
  let service: RunningClaimsRuntime;
  let bus: MessageBus;

  beforeAll(async () => {
    db = await createSeededDatabase(create, seed);
    service = await startClaimsRuntime(db);
    bus = service.app.get<MessageBus>(MESSAGE_BUS);
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  const get = (path: string, headers: Record<string, string>) => fetch(`${service.base}${path}`, { headers });
  const guaranteesPath = `/v1/clients/${client.clientId}/guarantees`;

  it('tags the client list per caller and answers a matching If-None-Match with an empty 304', async () => {
    const first = await get('/v1/clients', reader);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(((await first.json()) as { items: Array<{ clientId: string }> }).items.map((c) => c.clientId)).toEqual([client.clientId]);

    const again = await get('/v1/clients', { ...reader, 'if-none-match': etag! });
    expect([again.status, await again.text(), again.headers.get('etag')]).toEqual([304, '', etag]);
    // Another scope sees another list, so another tag: the reader's tag never validates it.
    const wider = await get('/v1/clients', { ...everyone, 'if-none-match': etag! });
    expect(wider.status).toBe(200);
    expect(wider.headers.get('etag')).not.toBe(etag);
  });

  it('serves promoted guarantees, with a new tag, once contracts.packet-promoted.v1 is handled', async () => {
    const before = await get(guaranteesPath, reader);
    const oldTag = before.headers.get('etag')!;
    const oldTerms = (await before.json()) as GuaranteeList;

    // What contract-packets' promotion writes: the next version of one of the period's terms.
    const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [] }).initialize();
    let promoted: { guaranteeId: string; version: number };
    try {
      const [latest] = (await ds.query(
        `SELECT guarantee_id, max(version) AS version FROM contract_guarantees WHERE client_id = $1 AND period_id = $2 GROUP BY guarantee_id ORDER BY guarantee_id LIMIT 1`,
        [client.clientId, period.periodId],
      )) as Array<{ guarantee_id: string; version: number }>;
      promoted = { guaranteeId: latest!.guarantee_id, version: Number(latest!.version) + 1 };
      await ds.query(
        `INSERT INTO contract_guarantees (guarantee_id, version, client_id, period_id, metric, channel, drug_type, guaranteed_value, method, exclusions,
                                          evidence_source, evidence_object_id, evidence_sha256, evidence_locator, offset_group, created_at)
         SELECT guarantee_id, $3, client_id, period_id, metric, channel, drug_type, guaranteed_value + 0.01, method, exclusions,
                'contract-packet', 'packet-7', $4, 'p2', offset_group, now()
           FROM contract_guarantees WHERE guarantee_id = $1 AND version = $2`,
        [latest!.guarantee_id, latest!.version, promoted.version, 'b'.repeat(64)],
      );
    } finally {
      await ds.destroy();
    }

    const event = {
      packetId: 'packet-7',
      clientId: client.clientId,
      sha256: 'b'.repeat(64),
      guaranteeIds: [promoted.guaranteeId],
      promotedAt: new Date().toISOString(),
    };
    await bus.send('contracts.packet-promoted.v1', { messageId: 'packet-promoted:packet-7:v2', body: event });
    // Handled = gone from the subscription (completed after the handler committed and invalidated).
    for (let i = 0; i < 200; i++) {
      if ((await bus.peek({ topic: 'contracts.packet-promoted.v1', subscription: 'claims-runtime' }, { maxCount: 10 })).length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await bus.peek({ topic: 'contracts.packet-promoted.v1', subscription: 'claims-runtime' }, { maxCount: 10 })).toEqual([]);

    // Never stale once handled: the old tag no longer validates, and the new version is served.
    const after = await get(guaranteesPath, { ...reader, 'if-none-match': oldTag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(oldTag);
    const terms = (await after.json()) as GuaranteeList;
    const term = terms.items.find((g) => g.guaranteeId === promoted.guaranteeId);
    expect(term?.version).toBe(promoted.version);
    expect(terms.items.length).toBe(oldTerms.items.length);
  });
});
