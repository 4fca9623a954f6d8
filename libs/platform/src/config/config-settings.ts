import { z } from 'zod';
import { defaultServicePorts, type ServiceName } from '@leaf/contracts';

/**
 * Building blocks of the services' config schemas, so a number, a flag, a URL or a JSON setting
 * is read the same way everywhere. Messages never echo the value: it may be a secret.
 */

/** A whole number from the environment, within bounds. */
export const intSetting = (min: number, max: number) => z.coerce.number({ error: 'must be a number' }).int().min(min).max(max);

/** `true` or `false` (nothing else: `1`, `yes` are typos here, not truths), as a boolean. */
export const flagSetting = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

/** `scheme:...` with one of the given schemes. */
export const urlSetting = (schemes: readonly string[]) =>
  z.string().refine((v) => schemes.some((s) => v.startsWith(`${s}:`)), {
    message: `must start with one of ${schemes.map((s) => `${s}:`).join(', ')}`,
  });

/** A JSON setting, parsed and checked against its schema. */
export const jsonSetting = <T extends z.ZodType>(schema: T, example: string) =>
  z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be JSON like ${example}` });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** Where another service answers: its default local port unless set (in a cluster the service's DNS name). */
export const serviceUrlSetting = (service: ServiceName, description: string) =>
  z.url().default(`http://127.0.0.1:${defaultServicePorts[service]}`).describe(description);
