import { roles, type Role, type SearchModule } from '@leaf/contracts';

/**
 * What every branch of a query filters on: the clients (or `'*'`, every client, for platform
 * operators and services), the modules the router chose, and the caller's strongest role (a
 * document with a higher role floor is invisible). Built once per query and handed to every
 * branch, so no branch can forget it.
 */
export interface SearchScope {
  readonly clientIds: '*' | readonly string[];
  readonly modules: readonly SearchModule[];
  readonly role: Role;
}

/** 0 = reader … 3 = admin: the rank stored beside each chunk as its role floor. */
export function roleRank(role: Role): number {
  return roles.indexOf(role);
}

export function strongestRole(held: readonly Role[]): Role {
  return held.reduce<Role>((best, r) => (roleRank(r) > roleRank(best) ? r : best), 'reader');
}

/**
 * The clients a query searches: the one asked for (the caller must see it: checked by the
 * caller of this function), else every client the caller may see. A caller who sees no client
 * searches nothing.
 */
export function scopedClients(visible: '*' | readonly string[], requested: string | undefined): '*' | readonly string[] {
  if (requested) return [requested];
  return visible;
}

export function describeScope(scope: SearchScope): string {
  const clients =
    scope.clientIds === '*' ? 'every client' : scope.clientIds.length === 1 ? `client ${scope.clientIds[0]}` : `${scope.clientIds.length} clients`;
  return `filtered to ${clients}, modules ${scope.modules.join(', ') || 'none'}, documents open to ${scope.role}, inside every branch before fusion`;
}
