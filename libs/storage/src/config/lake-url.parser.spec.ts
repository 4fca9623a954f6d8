import { isLakeError, LakeError } from '../errors/lake.error';
import { parseLakeUrl } from './lake-url.parser';

function failure(action: () => unknown): LakeError {
  try {
    action();
  } catch (error) {
    if (isLakeError(error)) return error;
    throw error;
  }
  throw new Error('expected a LakeError');
}

describe('parseLakeUrl', () => {
  it('reads folder lakes, relative or absolute', () => {
    expect(parseLakeUrl('file:.data/lake')).toEqual({ kind: 'filesystem', root: '.data/lake' });
    expect(parseLakeUrl('file:///srv/leaf/lake')).toEqual({ kind: 'filesystem', root: '/srv/leaf/lake' });
    expect(parseLakeUrl('file:my%20lake')).toEqual({ kind: 'filesystem', root: 'my lake' });
  });

  it('reads blob lakes on an Azure account or an emulator', () => {
    expect(parseLakeUrl('azure-blob://leafprodlake.blob.core.windows.net/lake')).toEqual({
      kind: 'azure-blob',
      accountUrl: 'https://leafprodlake.blob.core.windows.net',
      container: 'lake',
    });
    expect(parseLakeUrl('azure-blob://127.0.0.1:10000/devstoreaccount1/lake-dev')).toEqual({
      kind: 'azure-blob',
      accountUrl: 'http://127.0.0.1:10000/devstoreaccount1',
      container: 'lake-dev',
    });
  });

  it('rejects what it cannot use with LAKE_CONFIG_INVALID and never repeats the URL', () => {
    const bad = [
      '',
      'file:',
      's3://bucket/lake',
      'azure-blob://acct.blob.core.windows.net/lake?sv=2024&sig=SECRETSIG',
      'azure-blob://user:SECRETPW@acct.blob.core.windows.net/lake',
      'azure-blob://acct.blob.core.windows.net/',
      'azure-blob://acct.blob.core.windows.net/a/b/c',
      'azure-blob://acct.blob.core.windows.net/Bad_Container',
    ];
    for (const url of bad) {
      const error = failure(() => parseLakeUrl(url));
      expect(error.code).toBe('LAKE_CONFIG_INVALID');
      expect(error.message).not.toContain('SECRET');
      if (url !== '') expect(error.message).not.toContain(url);
    }
  });
});
