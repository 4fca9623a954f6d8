import { z } from 'zod';
import { PersistenceError } from '../errors/persistence.error';

const poolSize = z.number().int().min(1).max(500);

export const pgliteDatabaseConfigSchema = z.strictObject({
  kind: z.literal('pglite'),
  /** Absent: in-memory, gone when the process ends. */
  dataDir: z.string().min(1).optional(),
});

export const postgresDatabaseConfigSchema = z.strictObject({
  kind: z.literal('postgres'),
  url: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://'),
  poolSize: poolSize.optional(),
  /**
   * `password`: whatever the URL carries (or trust auth). `azure-default`: Microsoft Entra ID through
   * DefaultAzureCredential (workload identity on AKS), a fresh access token for each new connection.
   */
  authentication: z.enum(['password', 'azure-default']).optional(),
  /** Managed identity client id for `azure-default` when the pod has several identities. */
  clientId: z.string().min(1).optional(),
});

export const mssqlDatabaseConfigSchema = z
  .strictObject({
    kind: z.literal('mssql'),
    server: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(1433),
    database: z.string().min(1),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** `sql`: user + password. `azure-default`: DefaultAzureCredential (workload identity on AKS). */
    authentication: z.enum(['sql', 'azure-default']),
    /** Managed identity client id for `azure-default` when the pod has several identities. */
    clientId: z.string().min(1).optional(),
    encrypt: z.boolean().default(true),
    trustServerCertificate: z.boolean().default(false),
    poolSize: poolSize.optional(),
  })
  .superRefine((config, ctx) => {
    if (config.authentication === 'sql' && (config.user === undefined || config.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['user'], message: "authentication 'sql' needs user and password" });
    }
    if (config.authentication === 'azure-default' && config.password !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: "authentication 'azure-default' takes no password" });
    }
  });

export const databaseConfigSchema = z.discriminatedUnion('kind', [pgliteDatabaseConfigSchema, postgresDatabaseConfigSchema, mssqlDatabaseConfigSchema]);

/** What callers write (defaults optional). */
export type DatabaseConfigInput = z.input<typeof databaseConfigSchema>;
/** What the library works with (defaults applied). */
export type DatabaseConfig = z.output<typeof databaseConfigSchema>;
export type PgliteDatabaseConfig = z.output<typeof pgliteDatabaseConfigSchema>;
export type PostgresDatabaseConfig = z.output<typeof postgresDatabaseConfigSchema>;
export type MssqlDatabaseConfig = z.output<typeof mssqlDatabaseConfigSchema>;

/**
 * Validates a database config. The error names the offending settings but never echoes their
 * values: zod issues carry paths and expectations, not inputs, and that is what we print.
 */
export function parseDatabaseConfig(input: unknown): DatabaseConfig {
  const result = databaseConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new PersistenceError('PERSISTENCE_CONFIG_INVALID', `Invalid database config: ${problems}`, { cause: stripInputs(result.error) });
}

// Keep `cause` useful for debugging without letting a logged cause carry the secret back in.
function stripInputs(error: z.ZodError): Error {
  const clean = new Error(error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  clean.name = 'ZodError';
  return clean;
}
