import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Identity, Role } from '@leaf/contracts';
import { requestIdentity } from './request-identity';

export const PUBLIC_ROUTE = 'leaf:auth:public';
export const REQUIRED_ROLE = 'leaf:auth:required-role';

/** The route (or controller) needs no identity: health probes, docs, the OpenAPI document. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The identity must hold `role` or a stronger one (403 FORBIDDEN otherwise). */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** The verified Identity of the request. */
export const CurrentIdentity = createParamDecorator((_data: unknown, context: ExecutionContext): Identity => {
  const identity = requestIdentity(context.switchToHttp().getRequest<object>());
  // Only reachable on a @Public() route, which is a programming error, not a caller's.
  if (!identity) throw new Error('@CurrentIdentity() on a route without an authenticated identity');
  return identity;
});
