import { parseArgs } from 'node:util';
import { seedOptionsSchema, type ResolvedSeedOptions } from '@leaf/synthetic-data';
import { z } from 'zod';

export const dataGenUsage = `Usage: npm run data:generate -- --claims N [--seed S] [--clients C] [--start YYYY-MM-DD] [--months M]
                             (--out <dir> | --database-url postgres://... [--migrate])

  --out <dir>            write clients.csv, contract_periods.csv, contract_guarantees.csv, claims.csv
  --database-url <url>   COPY everything into PostgreSQL in one transaction and record it in seed_runs
  --migrate              apply the Leaf migrations to that database first (no-op when current)
  --claims N             claim rows to generate (default 100000)
  --seed S               unsigned 32-bit seed (default 42); the same seed gives byte-identical data`;

export type DataGenCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'csv'; readonly seed: ResolvedSeedOptions; readonly out: string }
  | { readonly kind: 'postgres'; readonly seed: ResolvedSeedOptions; readonly databaseUrl: string; readonly migrate: boolean };

/** Bad command lines: the CLI prints the message and the usage and exits with status 2. */
export class DataGenArgsError extends Error {
  readonly code = 'DATA_GEN_ARGS_INVALID';
  override readonly name = 'DataGenArgsError';
}

const integer = (flag: string) => z.string().regex(/^\d+$/, `${flag} must be a whole number`).transform(Number).optional();

const flagsSchema = z.object({
  claims: integer('--claims'),
  seed: integer('--seed'),
  clients: integer('--clients'),
  months: integer('--months'),
  start: z.string().optional(),
  out: z.string().min(1, '--out needs a directory').optional(),
  'database-url': z
    .string()
    .regex(/^postgres(ql)?:\/\//, '--database-url must be a postgres:// URL')
    .optional(),
  migrate: z.boolean().optional(),
  help: z.boolean().optional(),
});

export function parseDataGenArgs(argv: readonly string[]): DataGenCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        claims: { type: 'string' },
        seed: { type: 'string' },
        clients: { type: 'string' },
        months: { type: 'string' },
        start: { type: 'string' },
        out: { type: 'string' },
        'database-url': { type: 'string' },
        migrate: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new DataGenArgsError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const flags = flagsSchema.safeParse(values);
  if (!flags.success) throw new DataGenArgsError(flags.error.issues.map((issue) => issue.message).join('; '), { cause: flags.error });
  const { out, 'database-url': databaseUrl, migrate, help, ...numbers } = flags.data;
  if (help) return { kind: 'help' };
  if ((out === undefined) === (databaseUrl === undefined)) throw new DataGenArgsError('give exactly one of --out <dir> or --database-url <url>');
  if (migrate && databaseUrl === undefined) throw new DataGenArgsError('--migrate only applies with --database-url');

  const seed = seedOptionsSchema.safeParse({ ...numbers, claims: numbers.claims ?? 100_000, seed: numbers.seed ?? 42 });
  if (!seed.success) {
    throw new DataGenArgsError(seed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '), { cause: seed.error });
  }
  return databaseUrl === undefined
    ? { kind: 'csv', seed: seed.data, out: out as string }
    : { kind: 'postgres', seed: seed.data, databaseUrl, migrate: migrate === true };
}
