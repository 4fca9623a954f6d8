import { Writable } from 'node:stream';
import { createLogger } from './create-logger';
import { NestPinoLogger } from './nest-logger';
import { scrubSecrets } from './scrub-secrets';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  return { lines, destination };
}

describe('logging', () => {
  it('writes one JSON object per event with service and level', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'claims-runtime', level: 'info', destination }).info({ runId: 'r1' }, 'reconciled');
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ service: 'claims-runtime', level: 'info', msg: 'reconciled', runId: 'r1' });
  });

  it('redacts authorization headers, tokens, signed URLs and passwords wherever they appear', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'gateway', level: 'info', destination });
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    logger.info(
      {
        req: { headers: { authorization: `Bearer ${jwt}`, 'x-request-id': 'abc' } },
        download: 'https://contoso.blob.core.windows.net/c/p.pdf?sv=2024&sig=SECRETSIG',
        db: 'postgres://leaf:hunter2@db.internal:5432/leaf',
        nested: [{ client_secret: 'shh' }],
      },
      `calling with Bearer ${jwt}`,
    );
    const text = lines.join('\n');
    for (const secret of [jwt, 'SECRETSIG', 'hunter2', 'shh']) expect(text).not.toContain(secret);
    const entry = JSON.parse(lines[0]);
    expect(entry.req.headers['x-request-id']).toBe('abc');
    expect(entry.download).toBe('https://contoso.blob.core.windows.net/c/p.pdf?[REDACTED]');
    expect(entry.db).toBe('postgres://leaf:[REDACTED]@db.internal:5432/leaf');
  });

  it('scrubs Azure connection strings', () => {
    const scrubbed = scrubSecrets('DefaultEndpointsProtocol=https;AccountName=leaf;AccountKey=abc123==;EndpointSuffix=core.windows.net');
    expect(scrubbed).toContain('AccountName=leaf');
    expect(scrubbed).not.toContain('abc123');
  });

  it('does not loop on cyclic objects', () => {
    const { lines, destination } = capture();
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    createLogger({ service: 's', level: 'info', destination }).info({ a }, 'cyclic');
    expect(JSON.parse(lines[0]).a.self).toBe('[Circular]');
  });
});

describe('NestPinoLogger', () => {
  it("writes Nest Logger calls into the pino stream: a string as msg, an object's fields kept structured, an Error as err", () => {
    const { lines, destination } = capture();
    const nest = new NestPinoLogger(createLogger({ service: 'claims-runtime', level: 'debug', destination }));
    nest.log('started', 'Bootstrap');
    nest.warn({ msg: 'lease lost', runId: 'r1', runIds: ['r1', 'r2'] }, 'RunLeases');
    nest.error(new Error('boom'), undefined, 'Reconciliations');
    nest.error('failed', 'at x.ts:1', 'Reconciliations');
    const [started, lost, boom, failed] = lines.map((l) => JSON.parse(l));
    expect(started).toMatchObject({ level: 'info', msg: 'started', context: 'Bootstrap' });
    expect(lost).toMatchObject({ level: 'warn', msg: 'lease lost', context: 'RunLeases', runId: 'r1', runIds: ['r1', 'r2'] });
    expect(boom).toMatchObject({ level: 'error', msg: 'boom', context: 'Reconciliations', err: { message: 'boom' } });
    expect(boom.err.stack).toContain('Error: boom');
    expect(failed).toMatchObject({ level: 'error', msg: 'failed', trace: 'at x.ts:1' });
  });
});
