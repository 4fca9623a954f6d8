import { redactUrl, scrubForPublication, scrubObject, scrubSecrets } from './scrub-secrets';

describe('scrubSecrets', () => {
  it('redacts bearer and basic credentials and bare JWTs', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const out = scrubSecrets(`Authorization: Bearer ${jwt}; proxy Basic dXNlcjpwYXNz; raw ${jwt}`);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('dXNlcjpwYXNz');
    expect(out).toContain('Bearer [REDACTED]');
    expect(out).toContain('[REDACTED_JWT]');
  });

  it('keeps a signed URL’s path and drops its query', () => {
    expect(scrubSecrets('GET https://contoso.blob.core.windows.net/c/p.pdf?sv=2024&sig=SECRETSIG failed')).toBe(
      'GET https://contoso.blob.core.windows.net/c/p.pdf?[REDACTED] failed',
    );
  });

  it('redacts the password of any URL, keeping user, host and path', () => {
    expect(scrubSecrets('connect postgres://leaf:hunter2@db.internal:5432/leaf')).toBe('connect postgres://leaf:[REDACTED]@db.internal:5432/leaf');
  });

  it.each([
    [
      'an Azure storage connection string',
      'DefaultEndpointsProtocol=https;AccountName=leaf;AccountKey=abc123==;EndpointSuffix=core.windows.net',
      'abc123',
      'AccountName=leaf',
    ],
    [
      'a Service Bus connection string',
      'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k3y+val=',
      'k3y',
      'SharedAccessKeyName=send',
    ],
    ['an ADO.NET connection string', 'Server=tcp:x.database.windows.net;Password=hunter2;User ID=a', 'hunter2', 'User ID=a'],
    ['an ODBC pwd', 'DRIVER={ODBC};UID=leaf;PWD=hunter2;', 'hunter2', 'UID=leaf'],
    ['a quoted value', 'password="two words"', 'two words', 'password='],
    ['a colon pair in a sentence', 'login failed, token: abc.def.ghi, retrying', 'abc.def.ghi', 'retrying'],
    ['an OAuth client secret', 'client_secret=s3cr3t&grant_type=client_credentials', 's3cr3t', 'grant_type=client_credentials'],
    ['an access token pair', 'accessToken=xyz123', 'xyz123', 'accessToken='],
  ])('redacts %s and keeps the rest', (_what, text, secret, kept) => {
    const out = scrubSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(kept);
    expect(out).toContain('[REDACTED]');
  });

  it('leaves text without secrets alone', () => {
    const text = 'run rec_01 started for client northfield-tech at http://127.0.0.1:3000/v1/clients';
    expect(scrubSecrets(text)).toBe(text);
  });
});

describe('scrubForPublication', () => {
  it('removes URLs whole and connection-string secrets from driver messages', () => {
    const out = scrubForPublication(
      'connect ECONNREFUSED for postgres://leaf:hunter2@db:5432/leaf; Server=tcp:x.database.windows.net;Password=hunter2;User ID=a',
    );
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('postgres://');
    expect(out).not.toContain('db:5432');
    expect(out).toContain('connect ECONNREFUSED for <url>');
    expect(out).toContain('Password=[REDACTED]');
  });
});

describe('scrubObject', () => {
  it('replaces secret-named keys at any depth and scrubs every string', () => {
    const out = scrubObject({ headers: { Authorization: 'x', 'x-request-id': 'abc' }, nested: [{ client_secret: 'shh', note: 'Bearer abc.def' }] });
    expect(out).toEqual({
      headers: { Authorization: '[REDACTED]', 'x-request-id': 'abc' },
      nested: [{ client_secret: '[REDACTED]', note: 'Bearer [REDACTED]' }],
    });
  });

  it('keeps an error’s name and code and scrubs its message', () => {
    const error = Object.assign(new Error('failed with Password=hunter2'), { code: 'E1' });
    expect(scrubObject(error)).toMatchObject({ type: 'Error', code: 'E1', message: 'failed with Password=[REDACTED]' });
  });
});

describe('redactUrl', () => {
  it('masks the password and secret-looking query values, keeping the rest readable', () => {
    expect(redactUrl('postgres://leaf:hunter2@db:5432/leaf?sslmode=require&password=x')).toBe('postgres://leaf:***@db:5432/leaf?sslmode=require&password=***');
    expect(redactUrl('postgres://leaf@db/leaf')).toBe('postgres://leaf@db/leaf');
  });

  it('reduces an unparseable URL to its scheme', () => {
    expect(redactUrl('postgres://u:hunter2@[bad')).toBe('postgres:***');
    expect(redactUrl('hunter2')).toBe('***');
  });
});
