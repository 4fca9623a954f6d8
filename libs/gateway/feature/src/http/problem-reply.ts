import type { ErrorCode } from '@leaf/contracts';
import { problemFor } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The same problem+json the platform's exception filter writes, for answers given before Nest routes a request. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail: string): FastifyReply {
  const problem = problemFor(code, detail, request.id);
  return reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
}
