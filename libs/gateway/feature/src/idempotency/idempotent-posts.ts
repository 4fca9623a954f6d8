import { RequestMethod, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { MetadataScanner } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * The Idempotency-Key interceptor on every POST handler of the service's controllers, first among
 * the handler's own interceptors, instead of registered globally: a global interceptor wraps
 * every read in an rxjs chain as well (it showed in the gateway's profile), and the header means
 * nothing to a GET. Binding is read when the app is built, so this runs before; binding twice (a
 * second app in the same process) adds nothing. Returns `parts` as given.
 */
export function withIdempotentPosts<P extends { controllers?: Type[] }>(parts: P): P {
  const scanner = new MetadataScanner();
  for (const controller of parts.controllers ?? []) {
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler: unknown = controller.prototype[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
      const bound: unknown[] = Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? [];
      if (!bound.includes(IdempotencyInterceptor)) Reflect.defineMetadata(INTERCEPTORS_METADATA, [IdempotencyInterceptor, ...bound], handler);
    }
  }
  return parts;
}
