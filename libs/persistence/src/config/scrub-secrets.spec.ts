import { redactUrl } from './redact-url';
import { scrubSecrets } from './scrub-secrets';

describe('redactUrl', () => {
  it('masks the password and secret-looking query values, keeping the rest readable', () => {
    expect(redactUrl('postgres://leaf:hunter2@db:5432/leaf?sslmode=require&password=x')).toBe(
      'postgres://leaf:***@db:5432/leaf?sslmode=require&password=***',
    );
    expect(redactUrl('postgres://leaf@db/leaf')).toBe('postgres://leaf@db/leaf');
  });

  it('reduces an unparseable URL to its scheme', () => {
    expect(redactUrl('postgres://u:hunter2@[bad')).toBe('postgres:***');
    expect(redactUrl('hunter2')).toBe('***');
  });
});

describe('scrubSecrets', () => {
  it('removes URLs and connection-string passwords from driver messages', () => {
    const text =
      'connect ECONNREFUSED for postgres://leaf:hunter2@db:5432/leaf; Server=tcp:x.database.windows.net;Password=hunter2;User ID=a';
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).not.toContain('hunter2');
    expect(scrubbed).not.toContain('postgres://');
    expect(scrubbed).toContain('connect ECONNREFUSED');
    expect(scrubbed).toContain('Password=***');
  });
});
