import type { Identity } from '@leaf/contracts';
import { isAppError } from '../errors/app-error';
import { assertClientVisible, assertRole, canSeeClient, hasRole, visibleClientIds } from './client-scope';

const analystOfA: Identity = { subject: 'a', roles: ['analyst'], clientIds: ['client-a'], issuer: 'dev' };
const platformOperator: Identity = { subject: 'op', roles: ['operator'], clientIds: '*', issuer: 'entra' };

describe('roles and client scopes', () => {
  it('orders roles reader < analyst < operator < admin', () => {
    expect(['reader', 'analyst', 'operator', 'admin'].map((r) => hasRole(analystOfA, r as never))).toEqual([true, true, false, false]);
    expect(hasRole({ ...analystOfA, roles: ['reader', 'admin'] }, 'operator')).toBe(true);
    expect(() => assertRole(analystOfA, 'operator')).toThrow(expect.objectContaining({ code: 'FORBIDDEN', status: 403 }));
  });

  it('hides another client as NOT_FOUND and lets * see every client', () => {
    expect(canSeeClient(analystOfA, 'client-a')).toBe(true);
    expect(canSeeClient(analystOfA, 'client-b')).toBe(false);
    expect(canSeeClient(platformOperator, 'client-b')).toBe(true);
    let error: unknown;
    try {
      assertClientVisible(analystOfA, 'client-b');
    } catch (e) {
      error = e;
    }
    expect(isAppError(error) && [error.code, error.status, error.detail]).toEqual(['NOT_FOUND', 404, 'no such client']);
    expect(visibleClientIds(analystOfA)).toEqual(['client-a']);
    expect(visibleClientIds(platformOperator)).toBe('*');
  });
});
