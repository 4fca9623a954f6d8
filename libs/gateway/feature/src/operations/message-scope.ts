import type { Identity } from '@leaf/contracts';
import { canSeeClient } from '@leaf/platform';

/** The client a message names (every contract body has a clientId); undefined for one without, or undecodable. */
export const clientOfMessage = (body: unknown): string | undefined => {
  const clientId = (body as { clientId?: unknown } | null | undefined)?.clientId;
  return typeof clientId === 'string' ? clientId : undefined;
};

/**
 * Whether an operator may see a message on the bus: its client must be in the caller's scope; one
 * that names no client (or cannot be decoded) only for callers of every client, so a scoped
 * operator never learns of it. The same rule as the services' dead-letter admin.
 */
export const messageVisibleTo = (identity: Identity, body: unknown): boolean => {
  if (identity.clientIds === '*') return true;
  const clientId = clientOfMessage(body);
  return clientId !== undefined && canSeeClient(identity, clientId);
};
