import { randomBytes } from 'node:crypto';
import type { ReconciliationRun } from '@leaf/contracts';
import { MESSAGE_BUS, defaultBusSchema, defaultBusTopology, type MessageBus } from '@leaf/messaging';
import { writeRawEmbeddedMessage } from '@leaf/messaging/testing';
import { createDataSource } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed } from '@leaf/synthetic-data';
import { createSeededDatabase, startClaimsRuntime, type RunningClaimsRuntime } from '../testing/claims-runtime.fixture';

const seed = createSyntheticSeed({ seed: 11, claims: 2_000 });
const client = seed.clients[0]!;
const period = seed.contractPeriods.find((p) => p.clientId === client.clientId)!;
const analyst = identityHeaders({ subject: 'ana@client', roles: ['analyst'], clientIds: [client.clientId] });
const runsPath = `/v1/clients/${client.clientId}/reconciliations`;

describe.each(testDatabaseTargets())('claims-runtime on contracts.packet-promoted.v1 ($name)', ({ create }) => {
  let db: TestDatabase;
  let service: RunningClaimsRuntime;
  let bus: MessageBus;

  beforeAll(async () => {
    db = await createSeededDatabase(create, seed);
    service = await startClaimsRuntime(db);
    bus = service.app.get<MessageBus>(MESSAGE_BUS);
  });
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  const getRun = async (runId: string) => (await (await fetch(`${service.base}${runsPath}/${runId}`, { headers: analyst })).json()) as ReconciliationRun;
  const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const reconcile = async (key: string): Promise<ReconciliationRun> => {
    const res = await fetch(`${service.base}${runsPath}`, {
      method: 'POST',
      headers: { ...analyst, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ periodId: period.periodId }),
    });
    expect([res.status, res.status === 202 ? '' : await res.text()]).toEqual([202, '']);
    const { runId } = (await res.json()) as ReconciliationRun;
    return waitFor(async () => {
      const run = await getRun(runId);
      return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
    }, `run ${runId}`);
  };

  /** What contract-packets' promotion does: the next version of one of the period's terms. */
  const promoteNewVersion = async (): Promise<{ guaranteeId: string; version: number }> => {
    const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [] }).initialize();
    try {
      const [latest] = (await ds.query(
        `SELECT guarantee_id, max(version) AS version FROM contract_guarantees WHERE client_id = $1 AND period_id = $2 GROUP BY guarantee_id ORDER BY guarantee_id LIMIT 1`,
        [client.clientId, period.periodId],
      )) as Array<{ guarantee_id: string; version: number }>;
      const next = Number(latest!.version) + 1;
      await ds.query(
        `INSERT INTO contract_guarantees (guarantee_id, version, client_id, period_id, metric, channel, drug_type, guaranteed_value, method, exclusions,
                                          evidence_source, evidence_object_id, evidence_sha256, evidence_locator, offset_group, created_at)
         SELECT guarantee_id, $3, client_id, period_id, metric, channel, drug_type, guaranteed_value + 0.01, method, exclusions,
                'contract-packet', 'packet-1', $4, 'p2', offset_group, now()
           FROM contract_guarantees WHERE guarantee_id = $1 AND version = $2`,
        [latest!.guarantee_id, latest!.version, next, 'a'.repeat(64)],
      );
      return { guaranteeId: latest!.guarantee_id, version: next };
    } finally {
      await ds.destroy();
    }
  };

  it('marks succeeded runs computed with older terms superseded, once, and leaves runs of the new terms alone', async () => {
    const before = await reconcile(`before-${randomBytes(4).toString('hex')}`);
    expect(before.status).toBe('succeeded');
    expect(before.supersededBy).toBeNull();

    const promoted = await promoteNewVersion();
    const event = {
      packetId: 'packet-1',
      clientId: client.clientId,
      sha256: 'a'.repeat(64),
      guaranteeIds: [promoted.guaranteeId],
      promotedAt: new Date().toISOString(),
    };
    await bus.send('contracts.packet-promoted.v1', { messageId: `packet-promoted:packet-1:v2`, body: event });

    const superseded = await waitFor(async () => {
      const run = await getRun(before.runId);
      return run.supersededBy ? run : undefined;
    }, 'the run to be superseded');
    expect(superseded.supersededBy).toEqual({ at: event.promotedAt, packetId: 'packet-1', packetSha256: 'a'.repeat(64), guarantees: [promoted] });
    expect(superseded.status).toBe('succeeded');

    // A run started after the promotion used the new terms; the same promotion announced again
    // (a new message id, so the inbox does not stop it) finds nothing to supersede.
    const after = await reconcile(`after-${randomBytes(4).toString('hex')}`);
    await bus.send('contracts.packet-promoted.v1', {
      messageId: `packet-promoted:packet-1:v2:again`,
      body: { ...event, promotedAt: new Date().toISOString() },
    });
    await waitFor(
      async () =>
        (await bus.peek({ topic: 'contracts.packet-promoted.v1', subscription: 'claims-runtime' }, { maxCount: 10 })).length === 0 ? true : undefined,
      'the subscription to drain',
    );
    expect((await getRun(after.runId)).supersededBy).toBeNull();
    expect((await getRun(before.runId)).supersededBy).toEqual(superseded.supersededBy);
  });

  it('dead-letters a promotion that breaks its contract instead of completing it', async () => {
    const broken = { packetId: 'packet-x', clientId: client.clientId, sha256: 'not-a-hash', guaranteeIds: 'all', promotedAt: 'yesterday' };
    // Past the port's own send-side check, as another sender or an older release could write it.
    await writeRawEmbeddedMessage(db.url, defaultBusSchema, defaultBusTopology, 'contracts.packet-promoted.v1', {
      messageId: 'broken-promotion',
      body: Buffer.from(JSON.stringify(broken)),
    });
    const dead = await waitFor(async () => {
      const found = await bus.peek({ topic: 'contracts.packet-promoted.v1', subscription: 'claims-runtime' }, { deadLetter: true, maxCount: 10 });
      return found.find((m) => m.messageId === 'broken-promotion');
    }, 'the broken promotion in the dead-letter queue');
    expect(dead.deadLetterReason).toBe('ContractViolation');
  });
});
