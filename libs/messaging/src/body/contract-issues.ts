import { queueCatalogue, schemaFor, topicCatalogue, type EntityName } from '@leaf/contracts';
import type { z } from 'zod';
import type { BodyProblem } from '../port/message';
import { MessagingError } from '../port/messaging.error';

const maxIssues = 10;
const maxDescription = 1000;

/**
 * The failing fields of a contract check, as `path: what is wrong`. Built from zod's issue
 * messages, which name types, formats and bounds but never the input's values, so a description
 * can be logged and shown to operators without leaking what the body carried.
 */
export function describeContractIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, maxIssues).map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message.slice(0, 160)}`);
  const more = error.issues.length > maxIssues ? `; and ${error.issues.length - maxIssues} more` : '';
  return `${issues.join('; ')}${more}`.slice(0, maxDescription);
}

/** The dead-letter reason and description of a body that failed its entity's contract. */
export function contractViolation(entity: EntityName, error: z.ZodError): BodyProblem {
  return { reason: 'ContractViolation', description: `does not match the ${entity} contract: ${describeContractIssues(error)}` };
}

const isDeclared = (entity: string): entity is EntityName => entity in topicCatalogue || entity in queueCatalogue;

/**
 * `ContractViolation` naming the failing fields, or undefined when the body matches the entity's
 * contract (or the entity has none: the catalogue declares every entity the platform uses).
 */
export function contractProblem(entity: EntityName, body: unknown): BodyProblem | undefined {
  if (!isDeclared(entity)) return undefined;
  const parsed = schemaFor(entity).safeParse(body);
  return parsed.success ? undefined : contractViolation(entity, parsed.error);
}

/** Refuses to send a body that breaks its entity's contract (`MESSAGING_PAYLOAD_INVALID`): every adapter checks before sending. */
export function assertContract(entity: EntityName, body: unknown): void {
  if (!isDeclared(entity)) throw new MessagingError('MESSAGING_ENTITY_UNKNOWN', `${String(entity)} is not a topic or queue of the contract catalogue`);
  const parsed = schemaFor(entity).safeParse(body);
  if (!parsed.success) {
    throw new MessagingError('MESSAGING_PAYLOAD_INVALID', `payload for ${entity} does not match its contract: ${describeContractIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
}
