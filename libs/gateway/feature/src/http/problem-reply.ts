import { errorCodes, problemTypeBase, type ErrorCode, type Problem } from '@leaf/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The same problem+json the platform's exception filter writes, for answers given before Nest routes a request. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail: string): FastifyReply {
  const { status, title } = errorCodes[code];
  const problem: Problem = {
    type: `${problemTypeBase}${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail,
    instance: `urn:leaf:request:${request.id}`,
    code,
  };
  return reply.status(status).header('content-type', 'application/problem+json').send(problem);
}
