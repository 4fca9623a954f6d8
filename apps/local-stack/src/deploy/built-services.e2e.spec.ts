import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { serviceNames, type ServiceName } from '@leaf/contracts';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { localStackServices } from '../stack/service-registry';

/**
 * What a container does on AKS: the built `main.js` of each service, alone, against an empty
 * database. Each must create its own tables before it reports ready, and a restart must apply
 * nothing. Built with Nx exactly as the Dockerfile builds it.
 */
const root = resolve(__dirname, '../../../..');

/** One table each service cannot work without, beside its schema_migrations rows. */
const ownTable: Partial<Record<ServiceName, string>> = {
  gateway: 'gateway_idempotency_keys',
  'claims-runtime': 'reconciliation_runs',
  'contract-packets': 'graph_contract_packets',
  'agent-dispatcher': 'agent_tasks',
  'lane-worker': 'agent_tasks',
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before ready:\n${output().slice(-2000)}`);
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${output().slice(-2000)}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

async function appliedMigrations(url: string): Promise<Array<{ id: number; name: string }>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ id: number; name: string }>('SELECT id, name FROM schema_migrations ORDER BY id')).rows;
  } finally {
    await client.end();
  }
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT to_regclass($1) AS t', [table])).rows[0].t !== null;
  } finally {
    await client.end();
  }
}

// On CI (TEST_DATABASE_URL set) the real PostgreSQL server; elsewhere the embedded one.
const target = testDatabaseTargets().at(-1)!;

describe(`built services on an empty ${target.name} database`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-built-'));

  beforeAll(() => {
    const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...serviceNames, '--parallel=2', '--outputStyle=static'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (build.status !== 0) {
      const log = `${build.stdout}\n${build.stderr}`;
      const errors = log
        .split('\n')
        .filter((line) => /error/i.test(line))
        .slice(0, 40)
        .join('\n');
      throw new Error(`nx build failed (${build.status ?? build.signal}):\n${errors || log.slice(-4000)}`);
    }
  }, 620_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(localStackServices.map((d) => [d.name, d] as const))(
    '%s migrates itself before it is ready, and a restart applies nothing',
    async (name, definition) => {
      const main = join(root, 'dist/apps', name, 'main.js');
      expect(existsSync(main)).toBe(true);
      const db: TestDatabase = await target.create();
      const start = async () => {
        const port = await freePort();
        let output = '';
        const child = spawn(process.execPath, [main], {
          cwd: dataDir,
          env: {
            PATH: process.env['PATH'] ?? '',
            LEAF_ENV: 'local',
            LEAF_DATABASE_URL: db.url,
            LEAF_LAKE_URL: `file:${join(dataDir, name, 'lake')}`,
            LEAF_DATA_DIR: join(dataDir, name),
            PORT: String(port),
            LOG_LEVEL: 'info',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
        child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
        await waitReady(`http://127.0.0.1:${port}/health/ready`, child, () => output);
        return child;
      };
      try {
        const first = await start();
        const applied = await appliedMigrations(db.url);
        expect(applied.map((m) => m.name).sort()).toEqual(definition.migrations.map((m) => m.name).sort());
        const table = ownTable[name];
        if (table) expect(await tableExists(db.url, table)).toBe(true);
        await stop(first);

        const second = await start();
        expect(await appliedMigrations(db.url)).toEqual(applied);
        await stop(second);
      } finally {
        await db.drop();
      }
    },
    120_000,
  );
});
