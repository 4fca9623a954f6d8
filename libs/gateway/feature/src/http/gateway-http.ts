import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { insufficientScope, wwwAuthenticate } from '../auth/token-refusal';
import { retryAfterOf } from '../rate-limit/rate-limiter';
import { jsonShapeProblem, type JsonLimits } from './json-limits';
import { sendProblem } from './problem-reply';

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);
const json = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;

interface KnownRoute {
  pattern: RegExp;
  method: string;
}

/** `/v1/clients/:clientId/reconciliations` -> a regex for concrete paths. */
const patternOf = (url: string) => new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`);

/**
 * The gateway's one failure format at the HTTP edge, before a controller runs: a body that is not
 * JSON is a 415, a JSON body nested too deep or with too many keys a 400 (before anything walks
 * it recursively), a known path with the wrong method a 405 (with Allow), an unknown path a 404,
 * all problem+json. A 401 carries an RFC 6750 challenge. Must run before the routes are
 * registered (it watches them being added).
 */
export function registerGatewayHttp(app: NestFastifyApplication, jsonLimits: JsonLimits): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const routes: KnownRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ pattern: patternOf(route.url ?? route.path), method });
  });

  fastify.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (!request.routeOptions.url) {
      const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
      if (allowed.length) {
        void reply.header('allow', allowed.join(', '));
        return sendProblem(request, reply, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allowed.join(' or ')}`);
      }
      return sendProblem(request, reply, 'NOT_FOUND', 'no such resource');
    }
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    // A bodiless POST (cancel, approve) needs no content type; any body must be JSON.
    if (bodyMethods.has(request.method) && hasBody && !json.test(request.headers['content-type'] ?? '')) {
      return sendProblem(request, reply, 'UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json');
    }
    return undefined;
  });

  fastify.addHook('preValidation', async (request, reply) => {
    if (request.body === null || typeof request.body !== 'object') return undefined;
    const problem = jsonShapeProblem(request.body, jsonLimits);
    return problem ? sendProblem(request, reply, 'BAD_REQUEST', problem) : undefined;
  });

  fastify.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 401 || (reply.statusCode === 403 && insufficientScope(request))) void reply.header('www-authenticate', wwwAuthenticate(request));
    const retryAfter = retryAfterOf(request);
    if (reply.statusCode === 429 && retryAfter !== undefined && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(retryAfter));
    reply.removeHeader('server');
    reply.removeHeader('x-powered-by');
    return payload;
  });
}
