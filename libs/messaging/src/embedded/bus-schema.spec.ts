import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { agentTask } from '../conformance/conformance-probe';
import { conformanceTopology } from '../conformance/conformance-topology';
import { busMigrations } from './bus-migrations';
import { ensureBusSchema } from './bus-schema';
import { createEmbeddedBus } from './create-embedded-bus';

/** The tables as `ensureBusSchema` created them before its migrations were recorded (text bodies). */
const unversioned = (s: string) => `
  CREATE SCHEMA ${s};
  CREATE SEQUENCE ${s}.sequence_numbers;
  CREATE TABLE ${s}.messages (
    entity text NOT NULL, subscription text NOT NULL, dead_letter boolean NOT NULL DEFAULT false, seq bigint NOT NULL,
    message_id text NOT NULL, body text NOT NULL, correlation_id text, session_id text, subject text,
    application_properties text NOT NULL, state text NOT NULL, delivery_count integer NOT NULL DEFAULT 0,
    enqueued_at timestamptz NOT NULL DEFAULT now(), visible_at timestamptz NOT NULL DEFAULT now(), lock_token uuid,
    locked_until timestamptz, dead_letter_reason text, dead_letter_description text, PRIMARY KEY (entity, subscription, seq));
  CREATE INDEX messages_ready ON ${s}.messages (entity, subscription, dead_letter, seq) WHERE state <> 'deferred';
  CREATE TABLE ${s}.duplicates (entity text NOT NULL, message_id text NOT NULL, expires_at timestamptz NOT NULL, PRIMARY KEY (entity, message_id));
  CREATE TABLE ${s}.session_locks (entity text NOT NULL, subscription text NOT NULL, session_id text NOT NULL, lock_token uuid NOT NULL,
    locked_until timestamptz NOT NULL, PRIMARY KEY (entity, subscription, session_id));`;

describe.each(testDatabaseTargets())('embedded bus schema migrations on $name', ({ create }) => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await create();
    pool = new Pool({ connectionString: db.url, max: 3 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  const schema = () => `bus_schema_${randomBytes(5).toString('hex')}`;
  const latest = Math.max(...busMigrations.map((m) => m.version));

  it('migrates a schema created before migrations were recorded, keeping its messages readable, and applies nothing the second time', async () => {
    const s = schema();
    await pool.query(unversioned(s));
    const task = agentTask(1);
    // Numbers from the old single sequence, as other entities' sends would leave them: 41 and 42.
    await pool.query(`SELECT setval('${s}.sequence_numbers', 40)`);
    await pool.query(
      `INSERT INTO ${s}.messages (entity, subscription, seq, message_id, body, application_properties, state, visible_at)
       VALUES ('agent-tasks', '', nextval('${s}.sequence_numbers'), 'before-upgrade', $1, '{}', 'active', now()),
              ('agent-tasks', '', nextval('${s}.sequence_numbers'), 'scheduled-before-upgrade', $1, '{}', 'scheduled', now() - interval '1 second')`,
      [JSON.stringify(task)],
    );
    expect(await ensureBusSchema(pool, s)).toEqual(busMigrations.map((m) => m.version));
    expect(await ensureBusSchema(pool, s)).toEqual([]);
    const bus = await createEmbeddedBus({ url: db.url, schema: s, topology: conformanceTopology, poolSize: 2 });
    try {
      await bus.send('agent-tasks', { body: task, messageId: 'after-upgrade' });
      const peeked = await bus.peek({ queue: 'agent-tasks' });
      expect(peeked.map((m) => [m.messageId, m.state])).toEqual([
        ['before-upgrade', 'active'],
        // The scheduled one waited apart and activated (due) behind the first send after the upgrade.
        ['after-upgrade', 'active'],
        ['scheduled-before-upgrade', 'active'],
      ]);
      expect(peeked[0]).toMatchObject({ sequenceNumber: 41n, body: task });
      expect(peeked[0]?.bodyProblem).toBeUndefined();
      // The entity's own sequence starts above what it already had.
      expect(peeked.map((m) => m.sequenceNumber)).toEqual([41n, 43n, 44n]);
    } finally {
      await bus.close();
    }
    const { rows } = await pool.query<{ version: number }>(`SELECT version FROM ${s}.bus_migrations ORDER BY version`);
    expect(rows.map((r) => r.version).at(-1)).toBe(latest);
  });

  it('lets replicas starting together migrate a fresh schema once between them', async () => {
    const s = schema();
    const applied = await Promise.all([ensureBusSchema(pool, s), ensureBusSchema(pool, s), ensureBusSchema(pool, s)]);
    expect(applied.flat().sort((a, b) => a - b)).toEqual(busMigrations.map((m) => m.version));
  });
});
