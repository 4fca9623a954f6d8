import type { z } from 'zod';
import { ConfigError } from './config.error';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment once into a typed object. Each schema key is an environment variable
 * name, so an issue's path is the setting to name in the error; values are never echoed because
 * a malformed secret must not end up in a log.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      setting: issue.path.map(String).join('.') || '(environment)',
      problem: issue.path.length === 1 && env[String(issue.path[0])] === undefined ? 'is required' : issue.message,
    })),
  );
}
