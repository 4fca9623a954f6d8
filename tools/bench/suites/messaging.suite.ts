import { randomBytes } from 'node:crypto';
import { createEmbeddedBus } from '@leaf/messaging';
import { Logger as GraphileLogger, makeWorkerUtils, run as runGraphileWorker } from 'graphile-worker';
import { PgBoss } from 'pg-boss';
import { defineSuite, type BenchCase } from '../bench-case';
import { benchAdminUrl, createBenchDatabase, dropBenchDatabases, type BenchDatabase } from './bench-database';

/**
 * End to end publish -> handle -> complete on ONE PostgreSQL database, 1 KB payloads, the same
 * concurrency for everyone (8 senders, 16 handlers), each system tuned for low latency the way
 * its documentation says (pg-boss: LISTEN/NOTIFY queue + burst fetching; graphile-worker: its
 * default LISTEN/NOTIFY). Latency is send-start to handler-start.
 */
interface Run {
  perSecond: number;
  p50: number;
  p99: number;
}

interface MessagingContext {
  adminUrl: string;
  db: BenchDatabase;
  messages: number;
  log: (message: string) => void;
  results?: { leaf: Run; pgBoss: Run; graphile: Run };
}

const senders = 8;
const handlers = 16;
const pad = randomBytes(400).toString('hex'); // ~1 KB JSON body with the envelope

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** Drives `send(i)` from 8 senders; `received(i)` must be called by the system's handler. */
async function measure(messages: number, start: (received: (i: number) => void) => Promise<(i: number, sentAt: number) => Promise<void>>): Promise<Run> {
  const sentAt = new Float64Array(messages);
  const latency: number[] = [];
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((resolve) => (finish = resolve));
  const send = await start((i) => {
    latency.push(performance.now() - sentAt[i]);
    if (++done === messages) finish();
  });
  const began = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      for (let i = s; i < messages; i += senders) {
        sentAt[i] = performance.now();
        await send(i, sentAt[i]);
      }
    }),
  );
  await all;
  const seconds = (performance.now() - began) / 1000;
  latency.sort((a, b) => a - b);
  return {
    perSecond: Math.round(messages / seconds),
    p50: Math.round(percentile(latency, 0.5) * 10) / 10,
    p99: Math.round(percentile(latency, 0.99) * 10) / 10,
  };
}

const body = (i: number) => ({ taskId: `t-${i}`, kind: 'bench', clientId: 'city-of-riverton', parameters: { i, pad }, requestedBy: 'bench' });

async function leaf(url: string, messages: number): Promise<Run> {
  const bus = await createEmbeddedBus({ url, schema: 'bench_bus' });
  let consumer: { close(): Promise<void> } | undefined;
  try {
    return await measure(messages, async (received) => {
      consumer = bus.subscribe({ queue: 'agent-tasks' }, async (m) => received((m.body as { parameters: { i: number } }).parameters.i), {
        maxConcurrentCalls: handlers,
      });
      return (i) => bus.send('agent-tasks', { body: body(i) });
    });
  } finally {
    await consumer?.close();
    await bus.close();
  }
}

async function pgBoss(url: string, messages: number): Promise<Run> {
  const boss = new PgBoss({ connectionString: url, schema: 'bench_pgboss', useListenNotify: true, max: 10 });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    await boss.createQueue('bench', { notify: true });
    return await measure(messages, async (received) => {
      await boss.work<{ parameters: { i: number } }>(
        'bench',
        { batchSize: handlers, localConcurrency: 1, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
        async (jobs) => {
          for (const job of jobs) received(job.data.parameters.i);
        },
      );
      return async (i) => {
        await boss.send('bench', body(i));
      };
    });
  } finally {
    await boss.stop({ graceful: false });
  }
}

// graphile-worker logs every completed job; that is I/O the other two do not pay for.
const quiet = new GraphileLogger(() => () => undefined);

async function graphile(url: string, messages: number): Promise<Run> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: quiet });
  await utils.migrate();
  let runner: Awaited<ReturnType<typeof runGraphileWorker>> | undefined;
  try {
    return await measure(messages, async (received) => {
      runner = await runGraphileWorker({
        connectionString: url,
        concurrency: handlers,
        maxPoolSize: handlers + 2,
        logger: quiet,
        noHandleSignals: true,
        pollInterval: 500,
        taskList: { bench: async (payload) => received((payload as { parameters: { i: number } }).parameters.i) },
      });
      return async (i) => {
        await utils.addJob('bench', body(i));
      };
    });
  } finally {
    await runner?.stop();
    await utils.release();
  }
}

const rounds = 2;
type System = 'leaf' | 'pgBoss' | 'graphile';
const systems: Record<System, { label: string; run: (url: string, messages: number) => Promise<Run> }> = {
  leaf: { label: 'leaf embedded bus', run: leaf },
  pgBoss: { label: 'pg-boss 12.38.0', run: pgBoss },
  graphile: { label: 'graphile-worker 0.18.0', run: graphile },
};

/**
 * Each system `rounds` times, the order rotated per round (the machine is shared: whoever always
 * ran first or last would be favoured). The best throughput and its run's latencies are reported;
 * every run is logged, and the spread.
 */
async function results(context: MessagingContext) {
  if (!context.results) {
    const { db, messages, log } = context;
    const names = Object.keys(systems) as System[];
    const runs: Record<System, Run[]> = { leaf: [], pgBoss: [], graphile: [] };
    for (let round = 0; round < rounds; round++) {
      for (const name of names.map((_, i) => names[(i + round) % names.length])) {
        const r = await systems[name].run(db.url, messages);
        log(`  round ${round + 1} ${systems[name].label}, ${messages} messages: ${JSON.stringify(r)}`);
        runs[name].push(r);
      }
    }
    const best = (all: Run[]) => all.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    for (const name of names) {
      const rates = runs[name].map((r) => r.perSecond);
      const p99s = runs[name].map((r) => r.p99);
      log(`${systems[name].label}: ${Math.min(...rates)}-${Math.max(...rates)} msg/s, p99 ${Math.min(...p99s)}-${Math.max(...p99s)} ms over ${rounds} rounds`);
    }
    context.results = { leaf: best(runs.leaf), pgBoss: best(runs.pgBoss), graphile: best(runs.graphile) };
  }
  return context.results;
}

const versus = (name: string, reference: 'pgBoss' | 'graphile', label: string, metric: keyof Run): BenchCase<MessagingContext> => ({
  name,
  unit: metric === 'perSecond' ? 'msg/s' : 'ms',
  kind: metric === 'perSecond' ? 'throughput' : 'time',
  async measure(context) {
    const r = await results(context);
    return { value: r.leaf[metric], reference: { name: label, value: r[reference][metric] } };
  },
});

export const messagingSuite = defineSuite<MessagingContext>({
  name: 'messaging',
  description: `embedded bus vs pg-boss 12.38.0 and graphile-worker 0.18.0: publish -> handle -> complete, 1 KB, best of ${rounds} rotated rounds (--claims = messages, default 5000)`,
  async setup({ claims = 5_000, log }) {
    const adminUrl = benchAdminUrl();
    const db = await createBenchDatabase(adminUrl, 'messaging');
    return { adminUrl, db, messages: claims, log };
  },
  async teardown({ adminUrl, db }) {
    await dropBenchDatabases(adminUrl, [db]);
  },
  cases: [
    versus('throughput-vs-graphile-worker', 'graphile', 'graphile-worker 0.18.0', 'perSecond'),
    versus('throughput-vs-pg-boss', 'pgBoss', 'pg-boss 12.38.0', 'perSecond'),
    versus('p50-latency-vs-graphile-worker', 'graphile', 'graphile-worker 0.18.0', 'p50'),
    versus('p99-latency-vs-graphile-worker', 'graphile', 'graphile-worker 0.18.0', 'p99'),
    versus('p50-latency-vs-pg-boss', 'pgBoss', 'pg-boss 12.38.0', 'p50'),
    versus('p99-latency-vs-pg-boss', 'pgBoss', 'pg-boss 12.38.0', 'p99'),
  ],
});
