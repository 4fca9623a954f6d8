import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientList, GuaranteeList } from '@leaf/contracts';
import type { FastifyReply } from 'fastify';
import { ClientsRepository, GuaranteesRepository } from '@leaf/claims-runtime/data-access';

type Clients = ClientList['items'];
type Guarantees = GuaranteeList['items'];

/**
 * The reads that dominate (every client with its periods; a client's current guarantees), kept in
 * memory: they change only when contract-packets promotes a packet, and that event invalidates
 * them (see PacketPromotedHandlers). A load in flight when the event arrives is served to the
 * callers already waiting for it but dropped, so every read that starts after the event loads anew.
 *
 * One process's memory: with several replicas on competing subscriptions each replica must get
 * the event (a subscription per replica), or its copy stays until the next one it does get.
 */
@Injectable()
export class ClientsReadModel {
  private clients?: Promise<Clients>;
  private readonly guarantees = new Map<string, Promise<Guarantees>>();

  constructor(
    @Inject(ClientsRepository) private readonly clientsRepository: ClientsRepository,
    @Inject(GuaranteesRepository) private readonly guaranteesRepository: GuaranteesRepository,
  ) {}

  list(): Promise<Clients> {
    if (this.clients) return this.clients;
    const loading = this.clientsRepository.list();
    this.clients = loading;
    // A failed load is not kept. One overtaken by an invalidation was dropped by `invalidate`.
    loading.catch(() => {
      if (this.clients === loading) this.clients = undefined;
    });
    return loading;
  }

  /** From memory; a client the copy lacks is looked up (and, when there, the copy reloaded): a miss is rare and must not 404 a new client. */
  async exists(clientId: string): Promise<boolean> {
    if ((await this.list()).some((c) => c.clientId === clientId)) return true;
    if (!(await this.clientsRepository.exists(clientId))) return false;
    this.clients = undefined;
    return true;
  }

  guaranteesOf(clientId: string): Promise<Guarantees> {
    const kept = this.guarantees.get(clientId);
    if (kept) return kept;
    const loading = this.guaranteesRepository.currentForClient(clientId);
    this.guarantees.set(clientId, loading);
    loading.catch(() => {
      if (this.guarantees.get(clientId) === loading) this.guarantees.delete(clientId);
    });
    return loading;
  }

  /** Drops what an event changed: one client's guarantees and the client list (periods may be new). */
  invalidate(clientId?: string): void {
    this.clients = undefined;
    if (clientId === undefined) this.guarantees.clear();
    else this.guarantees.delete(clientId);
  }
}

/** A strong validator for a JSON body: the same bytes give the same tag, in every replica. */
export const etagOf = (body: unknown): string => `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;

/** Whether an If-None-Match header names this tag (a list, weak forms and `*` included, as RFC 9110 says for GET). */
export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * Sets the body's ETag (of `tagged` when given: what else the answer depends on, such as the
 * caller's view); a request that already has it gets a 304 and no body.
 */
export function conditional<T>(reply: FastifyReply, body: T, ifNoneMatch: string | undefined, tagged: unknown = body): T | undefined {
  const etag = etagOf(tagged);
  void reply.header('etag', etag).header('cache-control', 'private, no-cache');
  if (!matches(ifNoneMatch, etag)) return body;
  void reply.status(304);
  return undefined;
}
