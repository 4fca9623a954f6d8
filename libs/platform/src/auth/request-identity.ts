import type { Identity } from '@leaf/contracts';

/**
 * The verified identity of a request, kept beside the request object rather than on it, so
 * nothing outside the guard can set it by accident (a body or header never lands here).
 */
const identities = new WeakMap<object, Identity>();

export const setRequestIdentity = (request: object, identity: Identity): void => {
  identities.set(request, identity);
};

export const requestIdentity = (request: object): Identity | undefined => identities.get(request);
