import type { EntityName } from '@leaf/contracts';
import type { BodyProblem } from '../port/message';
import { contractProblem } from './contract-issues';

export interface BodyScreenOptions {
  /** A body larger than this is not decoded at all: `BodyTooLarge`. */
  maxBytes: number;
  /** Checks the decoded body against this entity's contract (`ContractViolation`). */
  entity?: EntityName;
}

export interface ScreenedBody {
  /** The decoded JSON; undefined when it could not be decoded. */
  body: unknown;
  problem?: BodyProblem;
  /** The bytes as they arrived, kept only when they could not be decoded (for the dead-letter admin). */
  raw?: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** V8's JSON errors quote the text around the fault; only the position is kept, never the text. */
function jsonErrorPosition(error: unknown): string {
  const at = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  if (at) return ` (syntax error at character ${at[1]})`;
  return error instanceof Error && /end of JSON input/.test(error.message) ? ' (it ends early)' : '';
}

/**
 * Decodes a message body the way every adapter must: at most `maxBytes`, strict UTF-8, JSON, and
 * (given an entity) its contract. Never throws: a body that fails is described, not decoded, so
 * one bad message cannot stop a consumer. A body that is not bytes (an AMQP value or sequence
 * section sent by another client) is not JSON text either.
 */
export function screenBody(input: unknown, options: BodyScreenOptions): ScreenedBody {
  let raw: Uint8Array;
  if (input instanceof Uint8Array) raw = input;
  else if (typeof input === 'string') raw = Buffer.from(input, 'utf8');
  else
    return {
      body: undefined,
      problem: {
        reason: 'BodyNotJson',
        description: `the body is an AMQP ${Array.isArray(input) ? 'sequence' : 'value'} section, not UTF-8 JSON in a data section`,
      },
    };
  if (raw.byteLength > options.maxBytes) {
    return { body: undefined, raw, problem: { reason: 'BodyTooLarge', description: `the body is ${raw.byteLength} bytes; the limit is ${options.maxBytes}` } };
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { body: undefined, raw, problem: { reason: 'BodyNotUtf8', description: `the body (${raw.byteLength} bytes) is not valid UTF-8` } };
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    return {
      body: undefined,
      raw,
      problem: { reason: 'BodyNotJson', description: `the body (${raw.byteLength} bytes) is not JSON${jsonErrorPosition(error)}` },
    };
  }
  const problem = options.entity === undefined ? undefined : contractProblem(options.entity, body);
  return problem ? { body, problem } : { body };
}
