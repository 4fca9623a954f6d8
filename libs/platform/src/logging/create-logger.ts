import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubObject, scrubSecrets } from './scrub-secrets';

export interface LoggerOptions {
  service: string;
  level: string;
  /** Defaults to stdout; tests pass a stream to read what was written. */
  destination?: DestinationStream;
}

/**
 * Structured JSON logs, one line per event. Every object and message goes through the scrubber
 * before serialisation, so a secret cannot reach stdout whatever key or sentence carries it.
 */
export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubObject(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}
