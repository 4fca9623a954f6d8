export * from './auth/dev-issuer';
export * from './auth/claims-to-identity';
export * from './auth/external-token.verifier';
export * from './gateway.config';
export * from './gateway.service';
export * from './idempotency/idempotency-schema';
export * from './openapi/setup-openapi';
export * from './operations/cluster/cluster-reader';
