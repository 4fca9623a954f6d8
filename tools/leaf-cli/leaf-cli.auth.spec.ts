import { redact, resolveToken } from './leaf-cli.auth';
import { UsageError } from './leaf-cli.errors';

const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('token resolution', () => {
  it('takes the token from the flag, the file or the environment, trimmed, with a pasted Bearer prefix dropped', () => {
    expect(resolveToken({ kind: 'none' })).toBeUndefined();
    expect(resolveToken({ kind: 'flag', value: ` ${jwt} ` })).toBe(jwt);
    expect(resolveToken({ kind: 'env', value: `Bearer ${jwt}` })).toBe(jwt);
    expect(resolveToken({ kind: 'file', path: '/t' }, (p) => (p === '/t' ? `${jwt}\n` : ''))).toBe(jwt);
  });

  it('refuses an unreadable file, an empty token and one that is not a bearer token, without quoting it', () => {
    const missing = () =>
      resolveToken({ kind: 'file', path: '/nope' }, () => {
        throw Object.assign(new Error('ENOENT: no such file'), {
          code: 'ENOENT',
        });
      });
    expect(missing).toThrow(UsageError);
    expect(missing).toThrow('--token-file /nope cannot be read (ENOENT)');
    expect(() => resolveToken({ kind: 'file', path: '/t' }, () => '\n')).toThrow('--token-file /t is empty');
    const secret = 'abc.def\nX-Injected: 1';
    const bad = () => resolveToken({ kind: 'flag', value: secret });
    expect(bad).toThrow('--token is not a bearer token');
    try {
      bad();
    } catch (e) {
      expect((e as Error).message).not.toContain('abc.def');
    }
    expect(() => resolveToken({ kind: 'env', value: 'two words' })).toThrow('LEAF_TOKEN is not a bearer token');
  });

  it('redacts the token from any text', () => {
    expect(redact(`failed for ${jwt} and ${jwt}`, jwt)).toBe('failed for [token] and [token]');
    expect(redact('nothing here', undefined)).toBe('nothing here');
  });
});
