import { roles, type Identity, type Role } from '@leaf/contracts';
import { AppError } from '../errors/app-error';

const rank = (role: Role): number => roles.indexOf(role);

/** Roles are ordered reader < analyst < operator < admin: a role includes every weaker one. */
export const hasRole = (identity: Identity, role: Role): boolean => identity.roles.some((r) => rank(r) >= rank(role));

export const canSeeClient = (identity: Identity, clientId: string): boolean => identity.clientIds === '*' || identity.clientIds.includes(clientId);

/**
 * A client outside the caller's scope is NOT_FOUND, never FORBIDDEN: the answer must not tell a
 * caller that another client exists.
 */
export function assertClientVisible(identity: Identity, clientId: string): void {
  if (!canSeeClient(identity, clientId)) throw new AppError('NOT_FOUND', 'no such client');
}

/** For list queries: `'*'` (no filter) or the client ids to filter on (possibly none). */
export const visibleClientIds = (identity: Identity): '*' | readonly string[] => identity.clientIds;

/** 403 unless the identity holds `role` or a stronger one. */
export function assertRole(identity: Identity, role: Role): void {
  if (!hasRole(identity, role)) throw new AppError('FORBIDDEN', `this operation needs the ${role} role`);
}
