import { clientIdSchema, roles as knownRoles, type Identity, type Role } from '@leaf/contracts';
import type { JWTPayload } from 'jose';

/** Group (Entra group object id, Cloudflare Access group name) -> roles / client ids, from config. */
export interface GroupMapping {
  roles: Record<string, Role[]>;
  clients: Record<string, string[] | '*'>;
}

const words = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];

/** `Leaf.Operator`, `leaf.operator` and `operator` all name the operator role. */
function roleOf(name: string): Role | undefined {
  const bare = name.replace(/^leaf\./i, '').toLowerCase();
  return (knownRoles as readonly string[]).includes(bare) ? (bare as Role) : undefined;
}

/**
 * External claims -> the Identity services see.
 * * roles: Entra app roles (`roles`), delegated scopes (`scp`, space separated) and `leaf_roles`,
 *   each named `reader|analyst|operator|admin` with an optional `Leaf.` prefix; plus the roles of
 *   the caller's `groups` (config mapping).
 * * clients: the `leaf_clients` claim (array, space/comma separated, or `*`) plus the clients of
 *   the caller's `groups`. No claim and no mapped group means no client at all.
 * Cloudflare Access puts IdP claims under `custom`; they are read the same way.
 */
export function identityFromClaims(claims: JWTPayload, issuer: Identity['issuer'], groups: GroupMapping): Identity | undefined {
  const custom = (typeof claims['custom'] === 'object' && claims['custom'] !== null ? claims['custom'] : {}) as Record<string, unknown>;
  const claim = (name: string) => [...words(claims[name]), ...words(custom[name])];
  const groupIds = claim('groups');
  const roleSet = new Set<Role>();
  for (const name of [...claim('roles'), ...claim('scp'), ...claim('leaf_roles')]) {
    const role = roleOf(name);
    if (role) roleSet.add(role);
  }
  for (const g of groupIds) for (const role of groups.roles[g] ?? []) roleSet.add(role);

  let clientIds: string[] | '*' = [];
  const clientClaims = [
    ...claim('leaf_clients'),
    ...groupIds.flatMap((g) => {
      const mapped = groups.clients[g];
      return mapped === '*' ? ['*'] : (mapped ?? []);
    }),
  ];
  if (clientClaims.includes('*')) clientIds = '*';
  else clientIds = [...new Set(clientClaims)].filter((c) => clientIdSchema.safeParse(c).success).slice(0, 500);

  const subject = [claims['oid'], claims['email'], custom['email'], claims.sub].find((v): v is string => typeof v === 'string' && v.length > 0);
  if (!subject || roleSet.size === 0) return undefined;
  return { subject: subject.slice(0, 200), roles: [...roleSet], clientIds, issuer };
}
