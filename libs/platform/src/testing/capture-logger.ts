import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../logging/create-logger';

/** A real JSON logger whose lines a test can read back. */
export function captureLogger(service = 'test'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      raw.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ service, level: 'debug', destination }), lines: () => raw.map((l) => JSON.parse(l)) };
}
