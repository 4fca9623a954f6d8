import type { FastifyReply } from 'fastify';
import type { UpstreamResponse } from './upstream.client';

/** The service's status, content type and body (problems included); only `location` of its other headers. */
export function relay(reply: FastifyReply, answer: UpstreamResponse): unknown {
  void reply.status(answer.status).header('content-type', answer.contentType);
  const location = 'location' in answer ? answer.location : answer.headers.get('location');
  if (location && location.startsWith('/v1/')) void reply.header('location', location);
  // A read model's validator: the caller's next If-None-Match reaches the service, which may answer 304.
  if (answer.etag) void reply.header('etag', answer.etag).header('cache-control', 'private, no-cache');
  return answer.body;
}

/** `/v1/a?x=1` from the parts that are set, each encoded. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams(
    Object.entries(query)
      .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
      .map(([k, v]): [string, string] => [k, String(v)]),
  );
  return search.size ? `${path}?${search}` : path;
}
