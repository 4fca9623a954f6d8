import type { Identity } from '@leaf/contracts';
import { AppError } from '@leaf/platform';

/**
 * Domo's datasets and the comparisons span every client (a savings row per client), so they are
 * for callers scoped to all clients; anyone else is answered as if nothing existed (404), never
 * told that the data is there.
 */
export function assertAllClients(identity: Identity): void {
  if (identity.clientIds !== '*') throw new AppError('NOT_FOUND', 'no Domo takeover data in your client scope');
}
