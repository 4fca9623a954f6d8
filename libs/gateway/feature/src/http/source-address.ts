import type { FastifyRequest } from 'fastify';

/**
 * The address a request came from. With `trustedHops` proxies in front (each appending the
 * address it received from to X-Forwarded-For), the client is that many entries from the right
 * of [forwarded…, peer]; anything further left was written by the client and is ignored, so a
 * forged X-Forwarded-For cannot choose whose budget a request spends.
 */
export function sourceAddress(request: Pick<FastifyRequest, 'headers'> & { socket: { remoteAddress?: string } }, trustedHops: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedHops)];
}
