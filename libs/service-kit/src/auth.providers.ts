import type { Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  IdentityGuard,
  IdentitySigner,
  IdentityVerifier,
  InternalIdentityAuthenticator,
  REQUEST_ADMISSION,
  REQUEST_AUTHENTICATOR,
  internalIdentityKeyBytes,
  type PlatformConfig,
  type RequestAdmission,
  type RequestAuthenticator,
} from '@leaf/platform';

/**
 * Every route of every service needs a verified identity (the global IdentityGuard) unless it is
 * @Public(). Services behind the gateway accept the gateway-signed `x-leaf-identity`; the gateway
 * passes its own authenticator for external tokens, and its admission (scope and rate limits),
 * which the guard applies once the caller is known.
 */
export function authProviders(
  config: PlatformConfig,
  authenticator: Type<RequestAuthenticator> | RequestAuthenticator = InternalIdentityAuthenticator,
  admission?: RequestAdmission,
): Provider[] {
  const key = internalIdentityKeyBytes(config.LEAF_INTERNAL_IDENTITY_KEY);
  return [
    { provide: IdentitySigner, useValue: new IdentitySigner(key) },
    { provide: IdentityVerifier, useValue: new IdentityVerifier(key) },
    typeof authenticator === 'function'
      ? { provide: REQUEST_AUTHENTICATOR, useClass: authenticator }
      : { provide: REQUEST_AUTHENTICATOR, useValue: authenticator },
    ...(admission ? [{ provide: REQUEST_ADMISSION, useValue: admission }] : []),
    { provide: APP_GUARD, useClass: IdentityGuard },
  ];
}
