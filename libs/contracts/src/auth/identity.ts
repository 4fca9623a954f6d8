import { z } from 'zod';
import { clientIdSchema } from '../pbm/client';

/** Roles, weakest first: each role may do everything the ones before it may. */
export const roles = ['reader', 'analyst', 'operator', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * A verified caller as every service sees it. The gateway verifies the external token (Entra ID,
 * Cloudflare Access or the local dev issuer) and passes this on, signed, in `identityHeader`;
 * each service verifies it again and filters by `clientIds` (defence in depth).
 * `clientIds: '*'` is every client (platform operators and service-to-service calls).
 */
export const identitySchema = z.object({
  subject: z.string().min(1).max(200),
  roles: z.array(roleSchema).min(1),
  clientIds: z.union([z.literal('*'), z.array(clientIdSchema).max(500)]),
  issuer: z.enum(['entra', 'cloudflare-access', 'dev', 'service']),
});
export type Identity = z.infer<typeof identitySchema>;

/** The header that carries the gateway-signed identity to the services behind it. */
export const identityHeader = 'x-leaf-identity';
