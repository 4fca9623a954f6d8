import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { conformanceTopology, describeBusConformance, writeRawEmbeddedMessage } from '../testing';
import { createEmbeddedBus } from './create-embedded-bus';

describe.each(testDatabaseTargets())('embedded bus on $name', ({ name, create }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await create();
  });
  afterAll(() => db?.drop());

  // One database per suite, one schema per test: each test gets an empty bus without paying for a database.
  describeBusConformance(`embedded PostgreSQL (${name})`, async () => {
    const schema = `bus_${randomBytes(5).toString('hex')}`;
    const bus = await createEmbeddedBus({ url: db.url, topology: conformanceTopology, schema });
    return {
      bus,
      sendRaw: (entity, message) => writeRawEmbeddedMessage(db.url, schema, conformanceTopology, entity, message),
      dispose: async () => {
        await bus.close();
        const client = new Client({ connectionString: db.url });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`).finally(() => client.end());
      },
    };
  });
});
