import type { ExecutionContext } from '@nestjs/common';
import type { Identity } from '@leaf/contracts';

/**
 * What a service checks once the caller is authenticated and holds the route's role, before any
 * pipe or handler runs: the gateway's client scope and rate limits. It runs inside the identity
 * guard rather than as a global interceptor, so a request pays for no interceptor chain (an
 * interceptor wraps every handler in rxjs observables, which showed in the gateway's profile).
 */
export interface RequestAdmission {
  /** Throws an AppError to refuse the request (404 for a client out of scope, 429 over budget). */
  admit(context: ExecutionContext, identity: Identity): Promise<void>;
}

export const REQUEST_ADMISSION = Symbol('leaf.auth.request-admission');
