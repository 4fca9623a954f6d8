import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { defaultServicePorts } from '@leaf/contracts';
import { devIssuerDirOf, devIssuerKeyFileName, loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { partialPacketsDir } from '@leaf/synthetic-data';
import type { TestCrashPhase } from './local-stack.config';

const root = join(__dirname, '../../../..');
const claims = 60_000;
let portOffset = 0;
const gateway = () => `http://127.0.0.1:${defaultServicePorts.gateway + portOffset}`;

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer().once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** An offset whose eight ports are free now, below the ephemeral range (32768+) where outgoing connections land. */
async function freePortOffset(): Promise<number> {
  for (let offset = 9_000 + (process.pid % 1_000) * 10; ; offset += 10) {
    const ports = Object.values(defaultServicePorts).map((p) => p + offset);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return offset;
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Launched {
  child: ChildProcess;
  exited: Promise<Exit>;
  output(): string;
}

/**
 * The launcher as `npm start` runs it (apps/local-stack/src/main.ts from the sources), in `cwd`,
 * with only the environment given here; NODE_ENV=test as under Jest.
 */
function launch(cwd: string, dataDir: string, crashAt?: TestCrashPhase): Launched {
  const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), join(root, 'apps/local-stack/src/main.ts')], {
    cwd,
    env: {
      PATH: process.env['PATH'] ?? '',
      SWC_NODE_PROJECT: join(root, 'tsconfig.run.json'),
      NODE_ENV: 'test',
      LEAF_DATA_DIR: dataDir,
      LEAF_SEED_CLAIMS: String(claims),
      LEAF_PORT_OFFSET: String(portOffset),
      LOG_LEVEL: 'warn',
      ...(crashAt ? { LEAF_TEST_CRASH_AT: crashAt } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}

/** Waits for the start banner; the stack then serves until it is sent SIGTERM. */
async function untilUp(stack: Launched): Promise<void> {
  const exited = stack.exited.then((e) => {
    throw new Error(`the stack exited (${JSON.stringify(e)}) before it was up:\n${stack.output().slice(-3_000)}`);
  });
  const up = (async () => {
    while (!stack.output().includes('Leaf is up') && stack.child.exitCode === null && stack.child.signalCode === null)
      await new Promise((r) => setTimeout(r, 200));
  })();
  await Promise.race([up, exited]);
}

async function stop(stack: Launched): Promise<void> {
  stack.child.kill('SIGTERM');
  expect(await stack.exited).toEqual({ code: 0, signal: null });
}

interface Ended {
  exit: Exit;
  output: string;
}

const ended = async (stack: Launched): Promise<Ended> => ({ exit: await stack.exited, output: stack.output() });

/** A start that had to die by SIGKILL at its crash point: not finish, not fail otherwise. */
function expectKilledAtCrashPoint({ exit, output }: Ended): void {
  if (exit.signal !== 'SIGKILL')
    throw new Error(`expected the start to be killed at its crash point, it ended ${JSON.stringify(exit)}:\n${output.slice(-3_000)}`);
  expect(output).toMatch(/LEAF_TEST_CRASH_AT=[a-z-]+: killing the launcher/);
}

type Dataset = Awaited<ReturnType<typeof datasetOf>>;

/** What the first start produced, read straight from the embedded database's files. */
async function datasetOf(pgliteDir: string) {
  const db = await PGlite.create(pgliteDir);
  try {
    const rows = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows;
    return {
      seedRuns: await rows('SELECT seed_id, claim_count, content_sha256 FROM seed_runs ORDER BY seed_id'),
      clients: (await rows('SELECT count(*)::int AS n FROM clients'))[0]?.['n'],
      claims: (await rows('SELECT count(*)::int AS n FROM claims'))[0]?.['n'],
      packets: await rows('SELECT status, count(*)::int AS n, max(version) AS "maxVersion" FROM graph_contract_packets GROUP BY status ORDER BY status'),
      // Every guarantee version, with its value and evidence (the packets' bytes, and so their hashes, differ between runs).
      guarantees: (
        await rows(
          `SELECT count(*)::int AS n, md5(string_agg(concat_ws('|', guarantee_id, version, guaranteed_value, evidence_source, evidence_object_id, evidence_locator), ',' ORDER BY guarantee_id, version)) AS fingerprint FROM contract_guarantees`,
        )
      )[0],
    };
  } finally {
    await db.close();
  }
}

/** The same, from a copy: opening the files of a killed stack would recover them here instead of in its next start. */
async function datasetOfCopy(pgliteDir: string): Promise<Dataset> {
  const copy = mkdtempSync(join(tmpdir(), 'leaf-crash-copy-'));
  try {
    cpSync(pgliteDir, copy, { recursive: true });
    return await datasetOf(copy);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const filesUnder = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
        .sort()
    : [];

/**
 * Issue 14, "first start is atomic": the launcher is killed (SIGKILL, through the test-only
 * LEAF_TEST_CRASH_AT hook) half-way through the claims, half-way through writing the packets
 * and half-way through promoting them, each time in the same data dir; the start after that
 * ends with exactly the dataset of a start that was never interrupted. Every run is a real
 * child process started as `npm start` does, in an empty working directory, so anything
 * written outside the data dir would show.
 */
describe('an interrupted first start', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'leaf-first-start-'));
  const cwd = join(scratch, 'cwd');
  const referenceDir = join(scratch, 'reference');
  const dataDir = join(scratch, 'interrupted');
  const launched: Launched[] = [];
  const start = (dir: string, crashAt?: TestCrashPhase) => {
    launched.push(launch(cwd, dir, crashAt));
    return launched[launched.length - 1];
  };
  let reference: Dataset;
  let referencePackets: string[];
  let early: { seedCrash: Ended; afterSeedCrash: string; packetsCrash: Ended; partialPackets: string[]; packetsPublished: boolean };

  beforeAll(async () => {
    mkdirSync(cwd);
    portOffset = await freePortOffset();
    // The two interrupted starts that die before opening a port run beside the reference.
    const interrupted = (async () => {
      const seedCrash = await ended(start(dataDir, 'seed-claims'));
      // Copied now, before the next start recovers these files (opening them here would recover them instead).
      const afterSeedCrash = join(scratch, 'after-seed-crash');
      cpSync(join(dataDir, 'pglite'), afterSeedCrash, { recursive: true });
      const packetsCrash = await ended(start(dataDir, 'packets-write'));
      return {
        seedCrash,
        afterSeedCrash,
        packetsCrash,
        partialPackets: filesUnder(partialPacketsDir(join(dataDir, 'packets'))),
        packetsPublished: existsSync(join(dataDir, 'packets')),
      };
    })();
    // The start that is never interrupted.
    const stack = start(referenceDir);
    await untilUp(stack);
    // The key the stack generated is where `npm run token -- --data-dir X` reads it (token.cli.spec), and the gateway takes its tokens.
    expect(filesUnder(join(referenceDir, 'dev-issuer'))).toEqual([devIssuerKeyFileName]);
    const token = await mintDevToken(loadOrCreateDevIssuerKeys(devIssuerDirOf(referenceDir)), { subject: 'crash-spec', roles: ['operator'], clients: '*' });
    expect((await fetch(`${gateway()}/v1/clients`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await stop(stack);
    reference = await datasetOf(join(referenceDir, 'pglite'));
    referencePackets = filesUnder(join(referenceDir, 'packets'));
    early = await interrupted;
  }, 240_000);

  afterAll(async () => {
    for (const stack of launched) {
      if (stack.child.exitCode === null && stack.child.signalCode === null) {
        stack.child.kill('SIGKILL');
        await stack.exited;
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('is compared with a complete dataset: seeded claims, every packet promoted but the damaged scan', () => {
    expect(reference.claims).toBe(claims);
    expect(reference.seedRuns).toHaveLength(1);
    expect(reference.packets).toEqual([
      { status: 'promoted', n: referencePackets.length - 1, maxVersion: 1 },
      { status: 'rejected', n: 1, maxVersion: 1 },
    ]);
    expect(reference.guarantees?.['n']).toBeGreaterThan(100);
    // Lake, packets and dev issuer all under the data dir; nothing in the working directory.
    expect(readdirSync(referenceDir).sort()).toEqual(['dev-issuer', 'domo-api', 'lake', 'packets', 'pglite']);
    expect(filesUnder(join(referenceDir, 'lake', 'contract-packets')).length).toBeGreaterThanOrEqual(referencePackets.length);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('killed half-way through the claims leaves no seeded row behind', async () => {
    expectKilledAtCrashPoint(early.seedCrash);
    expect(await datasetOf(early.afterSeedCrash)).toMatchObject({ seedRuns: [], clients: 0, claims: 0, packets: [] });
  });

  it('killed half-way through writing the packets publishes no packets folder', () => {
    expectKilledAtCrashPoint(early.packetsCrash);
    expect(early.packetsPublished).toBe(false);
    expect(early.partialPackets.length).toBeGreaterThan(0);
    expect(early.partialPackets.length).toBeLessThan(referencePackets.length);
  });

  it('killed half-way through promoting the packets leaves some promoted and some waiting', async () => {
    expectKilledAtCrashPoint(await ended(start(dataDir, 'packet-promotion')));
    expect(filesUnder(join(dataDir, 'packets'))).toEqual(referencePackets);
    const statuses = Object.fromEntries((await datasetOfCopy(join(dataDir, 'pglite'))).packets.map((p) => [p['status'], p['n']]));
    expect(statuses['promoted']).toBeGreaterThan(0);
    expect(statuses['validated']).toBeGreaterThan(0);
  }, 120_000);

  it('starts again with exactly the dataset of the uninterrupted start', async () => {
    const stack = start(dataDir);
    await untilUp(stack);
    await stop(stack);
    expect(await datasetOf(join(dataDir, 'pglite'))).toEqual(reference);
    expect(filesUnder(join(dataDir, 'packets'))).toEqual(referencePackets);
    expect(existsSync(partialPacketsDir(join(dataDir, 'packets')))).toBe(false);
    expect(readdirSync(dataDir).sort()).toEqual(['dev-issuer', 'domo-api', 'lake', 'packets', 'pglite']);
    // The Domo stand-in's exports are written whole (beside their place, then renamed): the same files as the uninterrupted start's.
    expect(filesUnder(join(dataDir, 'domo-api'))).toEqual(filesUnder(join(referenceDir, 'domo-api')));
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);
});
