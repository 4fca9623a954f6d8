import type { Claim } from '@leaf/contracts';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed } from '@leaf/synthetic-data';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { Client as PgClient } from 'pg';
import { createSeededDatabase, startClaimsRuntime, type RunningClaimsRuntime } from '../testing/claims-runtime.fixture';

const seed = createSyntheticSeed({ seed: 7, claims: 3_000 });
const cents = (m: string) => BigInt(m.replace('.', ''));

/** The expected summary, computed from the generator's stream in integer cents, independently of SQL. */
function expectedBuckets(clientId: string, from: string, to: string) {
  const buckets = new Map<string, { claimCount: number; reversalCount: number; awp: bigint; cost: bigint }>();
  const all = [...(seed.claims() as Iterable<Claim>)];
  // Net claims: a claim some reversal undoes does not count (its amounts still net out).
  const undone = new Set(all.filter((c) => c.isReversal && c.reversesClaimId).map((c) => `${c.clientId}/${c.reversesClaimId}`));
  for (const c of all) {
    if (c.clientId !== clientId || c.fillDate < from || c.fillDate > to) continue;
    const key = `${c.channel}/${c.drugType}`;
    const b = buckets.get(key) ?? {
      claimCount: 0,
      reversalCount: 0,
      awp: 0n,
      cost: 0n,
    };
    if (c.isReversal) b.reversalCount++;
    else if (!undone.has(`${c.clientId}/${c.claimId}`)) b.claimCount++;
    b.awp += cents(c.awp);
    b.cost += cents(c.ingredientCostPaid);
    buckets.set(key, b);
  }
  return buckets;
}

describe.each(testDatabaseTargets())('claims-runtime read API on $name', ({ create }) => {
  let db: TestDatabase;
  let service: RunningClaimsRuntime;
  let base: string;
  const clientId = seed.clients[0].clientId;

  beforeAll(async () => {
    db = await createSeededDatabase(create, seed);
    service = await startClaimsRuntime(db);
    base = service.base;
  });
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const get = async (path: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${base}${path}`, {
      headers: identityHeaders({ clientIds: '*' }),
    });
    return { status: res.status, body: await res.json() };
  };

  it('lists every seeded client with its contract periods', async () => {
    const { status, body } = await get('/v1/clients');
    expect(status).toBe(200);
    expect(body.items.map((c: { clientId: string }) => c.clientId)).toEqual(seed.clients.map((c) => c.clientId).sort());
    expect(body.items[0].periods.length).toBeGreaterThan(0);
  });

  it('summarises net claims per channel x drug type to the cent, matching the source rows', async () => {
    const from = '2025-03-01';
    const to = '2025-08-31';
    const { status, body } = await get(`/v1/clients/${clientId}/claims/summary?from=${from}&to=${to}`);
    expect(status).toBe(200);
    const expected = expectedBuckets(clientId, from, to);
    expect(body.buckets).toHaveLength(expected.size);
    for (const bucket of body.buckets) {
      const e = expected.get(`${bucket.channel}/${bucket.drugType}`);
      expect(e).toBeDefined();
      expect({
        claimCount: bucket.claimCount,
        reversalCount: bucket.reversalCount,
        awp: cents(bucket.awp),
        cost: cents(bucket.ingredientCostPaid),
      }).toEqual(e);
      if (e && e.awp !== 0n) {
        // 1 - cost/awp, to 6 places: compare within half a unit of the last place.
        const exact = 1 - Number(e.cost) / Number(e.awp);
        expect(Math.abs(Number(bucket.effectiveDiscount) - exact)).toBeLessThanOrEqual(0.0000005 + 1e-12);
      }
    }
    expect(cents(body.totals.awp)).toBe([...expected.values()].reduce((s, b) => s + b.awp, 0n));
  });

  it('returns the current version of each guarantee with its evidence', async () => {
    const before = await get(`/v1/clients/${clientId}/guarantees`);
    const own = seed.contractGuarantees.filter((g) => g.clientId === clientId);
    expect(before.body.items).toHaveLength(own.length);
    const term = own[0];
    const pg = new PgClient({ connectionString: db.url });
    await pg.connect();
    try {
      await pg.query(
        `INSERT INTO contract_guarantees (guarantee_id, version, client_id, period_id, metric, channel, drug_type, guaranteed_value, method, exclusions, evidence_source, evidence_object_id, evidence_sha256, evidence_locator)
         SELECT guarantee_id, 2, client_id, period_id, metric, channel, drug_type, 0.3125, method, exclusions, 'contract-packet', 'packet-amendment-1', NULL, 'page 3, table 2, row 4'
         FROM contract_guarantees WHERE guarantee_id = $1 AND version = 1`,
        [term.guaranteeId],
      );
    } finally {
      await pg.end();
    }
    // As contract-packets does after a promotion: the event is what refreshes the read model.
    const bus = service.app.get<MessageBus>(MESSAGE_BUS);
    await bus.send('contracts.packet-promoted.v1', {
      messageId: 'packet-promoted:packet-amendment-1',
      body: { packetId: 'packet-amendment-1', clientId, sha256: 'c'.repeat(64), guaranteeIds: [term.guaranteeId], promotedAt: new Date().toISOString() },
    });
    const promoted = { topic: 'contracts.packet-promoted.v1', subscription: 'claims-runtime' } as const;
    for (let i = 0; i < 200 && (await bus.peek(promoted, { maxCount: 10 })).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    const after = await get(`/v1/clients/${clientId}/guarantees`);
    expect(after.body.items).toHaveLength(own.length);
    const amended = after.body.items.find((g: { guaranteeId: string }) => g.guaranteeId === term.guaranteeId);
    expect(amended).toMatchObject({
      version: 2,
      guaranteedValue: '0.3125',
      evidence: {
        sourceSystem: 'contract-packet',
        locator: 'page 3, table 2, row 4',
      },
    });
  });

  it('answers an unknown client with 404 and malformed input with 400 naming the field', async () => {
    expect((await get('/v1/clients/no-such-client/claims/summary')).status).toBe(404);
    const badId = await get('/v1/clients/Not_A_Client/guarantees');
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].path).toBe('clientId');
    const reversed = await get(`/v1/clients/${clientId}/claims/summary?from=2025-06-01&to=2025-01-01`);
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors[0].path).toBe('from');
  });
});
