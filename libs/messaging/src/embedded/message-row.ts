import { screenBody, type BodyScreenOptions } from '../body/body-screen';
import type { ApplicationProperties, MessageState, ReceivedMessage } from '../port/message';

/** The columns every read of a message selects, in the shape `toReceivedMessage` expects. */
export const messageColumns = `seq::text AS seq, message_id, body, correlation_id, session_id, subject, application_properties,
  state, delivery_count, enqueued_at, expires_at, lock_token::text AS lock_token, locked_until, dead_letter_reason, dead_letter_description`;

export interface MessageRow {
  seq: string;
  message_id: string;
  /** bytea: exactly what the sender sent, which may be anything. */
  body: Buffer;
  correlation_id: string | null;
  session_id: string | null;
  subject: string | null;
  application_properties: string;
  state: MessageState;
  delivery_count: number;
  enqueued_at: Date;
  expires_at: Date | null;
  lock_token: string | null;
  locked_until: Date | null;
  dead_letter_reason: string | null;
  dead_letter_description: string | null;
}

/** Properties another writer left unreadable are dropped rather than failing the whole message. */
function propertiesOf(text: string): ApplicationProperties {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ApplicationProperties) : {};
  } catch {
    return {};
  }
}

/** Never throws: a body that cannot be decoded is reported in `bodyProblem` (see screenBody). */
export function toReceivedMessage(row: MessageRow, screen: BodyScreenOptions): ReceivedMessage {
  const screened = screenBody(row.body, screen);
  const message: ReceivedMessage = {
    body: screened.body,
    messageId: row.message_id,
    applicationProperties: propertiesOf(row.application_properties),
    sequenceNumber: BigInt(row.seq),
    deliveryCount: row.delivery_count,
    enqueuedAt: row.enqueued_at,
    state: row.state,
  };
  if (screened.problem) message.bodyProblem = screened.problem;
  if (screened.raw) message.rawBody = screened.raw;
  if (row.expires_at !== null) message.expiresAt = row.expires_at;
  if (row.correlation_id !== null) message.correlationId = row.correlation_id;
  if (row.session_id !== null) message.sessionId = row.session_id;
  if (row.subject !== null) message.subject = row.subject;
  if (row.lock_token !== null && row.locked_until !== null) {
    message.lockToken = row.lock_token;
    message.lockedUntil = row.locked_until;
  }
  if (row.dead_letter_reason !== null) message.deadLetterReason = row.dead_letter_reason;
  if (row.dead_letter_description !== null) message.deadLetterErrorDescription = row.dead_letter_description;
  return message;
}
