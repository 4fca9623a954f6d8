import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@leaf/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemFor } from '../errors/problem-details.filter';

/** Longer than this, a request line alone overflowing the header limit is a URL that is too long. */
const longRequestLine = 4096;

/**
 * Node's answer to bytes it cannot parse as HTTP (header block over the limit, garbage, a request
 * too slow to arrive), as problem+json instead of Fastify's plain JSON, and never echoing what
 * was sent. Written on the socket: there is no request or reply object at this stage.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let code: ErrorCode = 'BAD_REQUEST';
  let detail = 'the request is not valid HTTP';
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const requestLineEnd = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.indexOf('\r\n') : -1;
    [code, detail] =
      requestLineEnd === -1 || requestLineEnd > longRequestLine
        ? ['URI_TOO_LONG', 'the request URL is too long']
        : ['HEADERS_TOO_LARGE', 'the request headers are too large'];
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    [code, detail] = ['REQUEST_TIMEOUT', 'the request did not arrive in time'];
  }
  const problem = problemFor(code, detail, randomUUID());
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Fastify's routing-stage errors (a path segment over maxParamLength, a malformed URL) as problem+json, without echoing the path. */
export function answerFrameworkError(error: { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const [code, detail]: [ErrorCode, string] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? ['URI_TOO_LONG', 'a path segment is too long']
      : error.code === 'FST_ERR_BAD_URL'
        ? ['BAD_REQUEST', 'the request URL is not valid']
        : ['BAD_REQUEST', 'the request could not be routed'];
  const problem = problemFor(code, detail, request.id);
  void reply.status(problem.status).header('content-type', 'application/problem+json').header('x-request-id', request.id).send(problem);
}
