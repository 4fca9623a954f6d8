import { randomUUID } from 'node:crypto';
import type { EntityName } from '@leaf/contracts';
import { defaultBusTopology, destinations, type BusTopology } from '../embedded/bus-topology';
import type { DeliveredMessage, MessageBus, ReceiveAddress } from '../port/message-bus.port';
import type { ApplicationProperties, BodyProblem, BodyProblemReason, OutgoingMessage, ReceivedMessage } from '../port/message';

/** Set on a resubmitted copy: the messageId of the dead-lettered original. */
export const resubmittedFromProperty = 'leaf-resubmitted-from';
/** Set on a copy resubmitted from a topic subscription: the subscription it was meant for. */
export const resubmittedForProperty = 'leaf-resubmitted-for';

/** A resubmitted copy that names a subscription other than `subscription`: that consumer completes it unhandled. */
export const resubmittedForAnother = (message: { applicationProperties?: Readonly<Record<string, unknown>> }, subscription: string): boolean => {
  const meantFor = message.applicationProperties?.[resubmittedForProperty];
  return typeof meantFor === 'string' && meantFor !== subscription;
};

/** One page of a listing is at most this many messages, so a listing never loads a whole DLQ. */
export const maxDeadLetterPage = 500;

export interface DeadLetterSummary {
  sequenceNumber: bigint;
  messageId: string;
  reason?: string;
  description?: string;
  deliveryCount: number;
  enqueuedAt: Date;
  subject?: string;
  /** Size of the body in bytes; the body itself only on inspect. */
  bodyBytes: number;
  /** Why the body can never be handled (not JSON, not UTF-8, too large, not the contract); absent for a sound body. */
  bodyProblem?: BodyProblem;
}

/** A body shown without decoding it: base64 of its first bytes, and a lossy text preview marked as such. */
export interface RawBodyView {
  bytes: number;
  /** Base64 of the first `maxRawBodyBytes` bytes. */
  base64: string;
  truncated: boolean;
  /** The first characters as UTF-8, invalid sequences and control or direction characters replaced by U+FFFD: for a glance, not for parsing. */
  textPreview: string;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  /** The decoded JSON; absent when the body could not be decoded (see `rawBody`). */
  body?: unknown;
  rawBody?: RawBodyView;
  correlationId?: string;
  sessionId?: string;
  applicationProperties: ApplicationProperties;
}

export interface ListDeadLettersOptions {
  /** Default 50, at most `maxDeadLetterPage`. */
  maxCount?: number;
  fromSequenceNumber?: bigint;
}

/** How much of an undecodable body inspect returns. */
export const maxRawBodyBytes = 64 * 1024;
const textPreviewChars = 512;
// C0/C1 controls (except tab and newline) and bidirectional overrides: harmless in JSON, not on a terminal.
const isUnsafe = (c: number): boolean =>
  (c < 0x20 && c !== 0x09 && c !== 0x0a) ||
  (c >= 0x7f && c <= 0x9f) ||
  c === 0x200e ||
  c === 0x200f ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2066 && c <= 0x2069);
/** Controls and bidirectional overrides replaced by U+FFFD, so a message's text is safe on a screen or terminal. */
export const neutraliseUnsafeText = (text: string): string => Array.from(text, (ch) => (isUnsafe(ch.codePointAt(0) ?? 0) ? '\ufffd' : ch)).join('');

function bodyBytesOf(m: ReceivedMessage): number {
  if (m.rawBody) return m.rawBody.byteLength;
  return Buffer.byteLength(JSON.stringify(m.body ?? null) ?? '', 'utf8');
}

export function rawBodyView(raw: Uint8Array): RawBodyView {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const head = bytes.subarray(0, maxRawBodyBytes);
  return {
    bytes: bytes.byteLength,
    base64: head.toString('base64'),
    truncated: bytes.byteLength > head.byteLength,
    textPreview: neutraliseUnsafeText(
      head
        .subarray(0, textPreviewChars * 4)
        .toString('utf8')
        .slice(0, textPreviewChars),
    ),
  };
}

function summarise(m: ReceivedMessage): DeadLetterSummary {
  return {
    sequenceNumber: m.sequenceNumber,
    messageId: m.messageId,
    ...(m.deadLetterReason !== undefined && { reason: m.deadLetterReason }),
    ...(m.deadLetterErrorDescription !== undefined && { description: m.deadLetterErrorDescription }),
    deliveryCount: m.deliveryCount,
    enqueuedAt: m.enqueuedAt,
    ...(m.subject !== undefined && { subject: m.subject }),
    bodyBytes: bodyBytesOf(m),
    ...(m.bodyProblem && { bodyProblem: m.bodyProblem }),
  };
}

/** A page of the address's dead-letter sub-queue, oldest first, without bodies. */
export async function listDeadLetters(bus: MessageBus, address: ReceiveAddress, options: ListDeadLettersOptions = {}): Promise<DeadLetterSummary[]> {
  const maxCount = Math.min(Math.max(1, options.maxCount ?? 50), maxDeadLetterPage);
  const peeked = await bus.peek(address, {
    deadLetter: true,
    maxCount,
    ...(options.fromSequenceNumber !== undefined && { fromSequenceNumber: options.fromSequenceNumber }),
  });
  return peeked.map(summarise);
}

/**
 * One dead-lettered message with its body and properties; undefined when there is none with that
 * number. A body that could not be decoded comes as `rawBody` (base64 and a marked preview).
 */
export async function inspectDeadLetter(bus: MessageBus, address: ReceiveAddress, sequenceNumber: bigint): Promise<DeadLetterDetail | undefined> {
  const [m] = await bus.peek(address, { deadLetter: true, fromSequenceNumber: sequenceNumber, maxCount: 1 });
  if (!m || m.sequenceNumber !== sequenceNumber) return undefined;
  return {
    ...summarise(m),
    ...(m.rawBody ? { rawBody: rawBodyView(m.rawBody) } : { body: m.body }),
    ...(m.correlationId !== undefined && { correlationId: m.correlationId }),
    ...(m.sessionId !== undefined && { sessionId: m.sessionId }),
    applicationProperties: m.applicationProperties,
  };
}

export interface ResubmitOptions {
  /** Used only to report which subscriptions a topic resubmit fans out to. Default: the contract catalogue. */
  topology?: BusTopology;
}

export interface ResubmittedMessage {
  sequenceNumber: bigint;
  originalMessageId: string;
  /** The copy's messageId (new: see `resubmitDeadLetters`). */
  messageId: string;
  /** Topic resubmits: every subscription the copy was delivered to. */
  deliveredTo?: string[];
}

export interface RefusedMessage {
  sequenceNumber: bigint;
  reason: BodyProblemReason;
  description: string;
}

export interface ResubmitResult {
  resubmitted: ResubmittedMessage[];
  /** Not in the dead-letter sub-queue (never was, or already resubmitted or purged). */
  notFound: bigint[];
  /** Present, but locked by someone else (or not received in time): untouched. */
  notReached: bigint[];
  /**
   * Bodies that can never be handled (not UTF-8, not JSON, too large, not the contract): a copy
   * would only be dead-lettered again, so they stay where they are, unlocked.
   */
  refused: RefusedMessage[];
}

const entityOf = (address: ReceiveAddress): EntityName => ('queue' in address ? address.queue : address.topic);

function copyOf(address: ReceiveAddress, m: ReceivedMessage): OutgoingMessage {
  return {
    // Only bodies without a problem get here: they are JSON and match the entity's contract.
    body: m.body as OutgoingMessage['body'],
    messageId: randomUUID(),
    ...(m.correlationId !== undefined && { correlationId: m.correlationId }),
    ...(m.sessionId !== undefined && { sessionId: m.sessionId }),
    ...(m.subject !== undefined && { subject: m.subject }),
    applicationProperties: {
      ...m.applicationProperties,
      [resubmittedFromProperty]: m.messageId,
      ...('subscription' in address && { [resubmittedForProperty]: address.subscription }),
    },
  };
}

/**
 * Sends a copy of each chosen dead-lettered message back to its entity, then completes the
 * dead-lettered original (Service Bus has no resubmit of its own). Uses only the port, so it
 * works on every adapter; it locks only the chosen messages (`receiveDeadLetters`; on Azure see
 * there), never holds one that was not asked for, and leaves a body that can never be handled
 * where it is (`refused`).
 *
 * The copy gets a NEW messageId, with the original's in `leaf-resubmitted-from`: with the same
 * id, duplicate detection would silently drop a copy of a message enqueued within the entity's
 * window (10 min by default), and an idempotent consumer whose handler dead-lettered inside its
 * inbox transaction would treat the copy as already applied. Both would make the resubmit a
 * no-op that looks like a success.
 *
 * A topic subscription cannot be addressed on its own (neither Azure nor the port can send to one
 * subscription), so the copy is sent to the topic and is delivered to EVERY subscription whose
 * correlation filter matches it; `deliveredTo` lists them, and `leaf-resubmitted-for` names the
 * intended one: every other consumer's transport completes it unhandled (`resubmittedForAnother`,
 * applied by BusTransport), so only the intended consumer handles it again.
 *
 * If a copy is sent but completing the original fails (lock lost), the original stays
 * dead-lettered and a second resubmit sends another copy: at least once, never lost. If a send
 * fails, every original still held is abandoned (back in the dead-letter queue) and the error
 * is thrown.
 */
export async function resubmitDeadLetters(
  bus: MessageBus,
  address: ReceiveAddress,
  sequenceNumbers: readonly bigint[],
  options: ResubmitOptions = {},
): Promise<ResubmitResult> {
  const topology = options.topology ?? defaultBusTopology;
  const wanted: bigint[] = [];
  const notFound: bigint[] = [];
  const refused: RefusedMessage[] = [];
  // A peek first: a missing or unhandleable message is answered without taking any lock.
  for (const seq of new Set(sequenceNumbers)) {
    const found = await inspectDeadLetter(bus, address, seq);
    if (!found) notFound.push(seq);
    else if (found.bodyProblem) refused.push({ sequenceNumber: seq, ...found.bodyProblem });
    else wanted.push(seq);
  }
  const resubmitted: ResubmittedMessage[] = [];
  const delivered = wanted.length ? await bus.receiveDeadLetters(address, wanted) : [];
  const entity = entityOf(address);
  let next = 0;
  try {
    for (; next < delivered.length; next++) {
      const { message, settlement } = delivered[next] as DeliveredMessage;
      if (message.bodyProblem) {
        await settlement.abandon();
        refused.push({ sequenceNumber: message.sequenceNumber, ...message.bodyProblem });
        continue;
      }
      const copy = copyOf(address, message);
      await bus.send(entity, copy);
      await settlement.complete();
      resubmitted.push({
        sequenceNumber: message.sequenceNumber,
        originalMessageId: message.messageId,
        messageId: copy.messageId as string,
        ...('subscription' in address && { deliveredTo: destinations(topology, entity, copy) }),
      });
    }
  } finally {
    // Whatever was not settled goes straight back: nothing stays locked after the call.
    await Promise.allSettled(delivered.slice(next).map((d) => d.settlement.abandon()));
  }
  const reached = new Set([...resubmitted.map((r) => r.sequenceNumber), ...refused.map((r) => r.sequenceNumber)]);
  return {
    resubmitted: resubmitted.sort((a, b) => (a.sequenceNumber < b.sequenceNumber ? -1 : 1)),
    notFound,
    notReached: wanted.filter((s) => !reached.has(s)),
    refused,
  };
}

export interface PurgeResult {
  purged: Array<{ sequenceNumber: bigint; messageId: string }>;
  /** Not in the dead-letter sub-queue (never was, or already resubmitted or purged). */
  notFound: bigint[];
  /** Present, but locked by someone else (or not received in time): untouched. */
  notReached: bigint[];
}

/**
 * Completes the chosen dead-lettered messages: gone for good, for a message an operator decided
 * is not worth handling (a body that can never be handled, a task the ledger already re-ran).
 * Like resubmit it peeks first and locks only the chosen ones; whatever it could not complete is
 * abandoned back into the dead-letter queue before the error is thrown.
 */
export async function purgeDeadLetters(bus: MessageBus, address: ReceiveAddress, sequenceNumbers: readonly bigint[]): Promise<PurgeResult> {
  const wanted: bigint[] = [];
  const notFound: bigint[] = [];
  for (const seq of new Set(sequenceNumbers)) {
    const [m] = await bus.peek(address, { deadLetter: true, fromSequenceNumber: seq, maxCount: 1 });
    if (m && m.sequenceNumber === seq) wanted.push(seq);
    else notFound.push(seq);
  }
  const delivered = wanted.length ? await bus.receiveDeadLetters(address, wanted) : [];
  const purged: PurgeResult['purged'] = [];
  let next = 0;
  try {
    for (; next < delivered.length; next++) {
      const { message, settlement } = delivered[next] as DeliveredMessage;
      await settlement.complete();
      purged.push({ sequenceNumber: message.sequenceNumber, messageId: message.messageId });
    }
  } finally {
    await Promise.allSettled(delivered.slice(next).map((d) => d.settlement.abandon()));
  }
  const reached = new Set(purged.map((p) => p.sequenceNumber));
  return { purged: purged.sort((a, b) => (a.sequenceNumber < b.sequenceNumber ? -1 : 1)), notFound, notReached: wanted.filter((s) => !reached.has(s)) };
}
