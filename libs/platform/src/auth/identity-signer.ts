import type { Identity, Role, ServiceName } from '@leaf/contracts';
import { identityHeader } from '@leaf/contracts';
import { internalTokenTtlSeconds, signIdentityToken } from './identity-token';

/**
 * Signs identities for the next hop: the gateway forwards each caller's verified identity, and a
 * service calling another service signs its own (`issuer: 'service'`). A token is reused while
 * more than half its life remains, so a busy caller does not sign per request and the receiving
 * service sees the same token (and can cache its verification).
 */
export class IdentitySigner {
  private readonly cache = new Map<string, { token: string; renewAt: number }>();

  constructor(private readonly key: Uint8Array) {}

  token(identity: Identity): string {
    const cacheKey = JSON.stringify([identity.subject, identity.roles, identity.clientIds, identity.issuer]);
    const now = Math.floor(Date.now() / 1000);
    const cached = this.cache.get(cacheKey);
    if (cached && cached.renewAt > now) return cached.token;
    const token = signIdentityToken(identity, this.key, now);
    if (this.cache.size >= 1000) this.cache.clear();
    this.cache.set(cacheKey, { token, renewAt: now + Math.floor(internalTokenTtlSeconds / 2) });
    return token;
  }

  headers(identity: Identity): Record<typeof identityHeader, string> {
    return { [identityHeader]: this.token(identity) };
  }

  /** The identity of a service acting on its own behalf (every client; operator unless told). */
  serviceHeaders(service: ServiceName, role: Role = 'operator'): Record<typeof identityHeader, string> {
    return this.headers({ subject: `service:${service}`, roles: [role], clientIds: '*', issuer: 'service' });
  }
}
