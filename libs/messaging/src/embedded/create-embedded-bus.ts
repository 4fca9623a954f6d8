import { Pool } from 'pg';
import { z } from 'zod';
import { MessagingError } from '../port/messaging.error';
import { BusSequences } from './bus-sequences';
import { BusStore } from './bus-store';
import { assertSchemaName, defaultBusSchema, ensureBusSchema } from './bus-schema';
import { defaultBusTopology, type BusTopology } from './bus-topology';
import { EmbeddedBus } from './embedded-bus';
import { WakeUpNotifier } from './wake-up.notifier';

const optionsSchema = z.object({
  url: z.string().regex(/^postgres(ql)?:\/\//, 'url must be a postgres:// URL'),
  schema: z.string().default(defaultBusSchema),
  poolSize: z.number().int().min(1).max(100).default(10),
  pollIntervalMs: z.number().int().min(10).default(2_000),
});

export interface CreateEmbeddedBusOptions {
  /** A `postgres://` URL: a real PostgreSQL, or PGlite through its socket server. */
  url: string;
  /** Entities and their settings. Default: the contract catalogue. */
  topology?: BusTopology;
  /** The PostgreSQL schema holding the bus tables (one bus per schema). Default `leaf_bus`. */
  schema?: string;
  poolSize?: number;
  /** Safety-net poll when no wake-up arrives. Default 2 s. */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/** Opens a pool, creates the bus tables if needed and starts listening for other processes' sends. */
export async function createEmbeddedBus(options: CreateEmbeddedBusOptions): Promise<EmbeddedBus> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new MessagingError('MESSAGING_UNAVAILABLE', `invalid embedded bus options: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, {
      cause: parsed.error,
    });
  }
  const { url, poolSize, pollIntervalMs } = parsed.data;
  const schema = assertSchemaName(parsed.data.schema);
  const pool = new Pool({ connectionString: url, max: poolSize });
  // See BusStore: losing a claim or settlement in a crash means a redelivery, never a lost message.
  const receiving = new Pool({ connectionString: url, max: poolSize, options: '-c synchronous_commit=off' });
  for (const p of [pool, receiving]) p.on('error', (error) => options.onError?.(error));
  const endPools = () => Promise.all([pool.end(), receiving.end()]);
  try {
    await ensureBusSchema(pool, schema);
    const channel = `${schema}_wake`;
    const { notifier, release } = await WakeUpNotifier.acquire(url, channel);
    const store = new BusStore(pool, receiving, schema, channel, new BusSequences(pool, schema));
    const topology = options.topology ?? defaultBusTopology;
    return new EmbeddedBus(store, notifier, { topology, pollIntervalMs, onError: options.onError }, async () => {
      await release();
      await endPools();
    });
  } catch (error) {
    await endPools().catch(() => undefined);
    throw error instanceof MessagingError ? error : new MessagingError('MESSAGING_UNAVAILABLE', 'could not open the embedded bus', { cause: error });
  }
}
