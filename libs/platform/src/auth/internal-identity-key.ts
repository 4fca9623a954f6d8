/**
 * The well-known key for the internal identity token in local runs and tests. It is public on
 * purpose (it is in the source), so a deployed environment refuses to start with it: anyone who
 * can reach a service could otherwise forge any identity.
 */
export const devInternalIdentityKey = 'leaf-dev-internal-identity-key:well-known:local-and-test-only';

/**
 * Every environment but `local` (a developer's laptop): the ones deployed to a cluster, where
 * services are reachable by more than the developer running them. `test` is one of them: it runs
 * on AKS too, so it may use neither the well-known identity key nor the dev issuer.
 */
export const deployedEnvironments = ['dev', 'test', 'staging', 'prod'] as const;

/** The HMAC key bytes; the setting holds at least 32 characters (256 bits for HS256 when random). */
export const internalIdentityKeyBytes = (key: string | undefined): Uint8Array => new TextEncoder().encode(key ?? devInternalIdentityKey);
