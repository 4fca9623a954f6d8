import { randomUUID } from 'node:crypto';
import type { EntityName } from '@leaf/contracts';
import { defaultBusTopology, destinations, type BusTopology } from '../embedded/bus-topology';
import type { MessageBus, ReceiveAddress } from '../port/message-bus.port';
import type { ApplicationProperties, OutgoingMessage, ReceivedMessage } from '../port/message';

/** Set on a resubmitted copy: the messageId of the dead-lettered original. */
export const resubmittedFromProperty = 'leaf-resubmitted-from';
/** Set on a copy resubmitted from a topic subscription: the subscription it was meant for. */
export const resubmittedForProperty = 'leaf-resubmitted-for';

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
  /** Size of the JSON body in UTF-8 bytes; the body itself only on inspect. */
  bodyBytes: number;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  body: unknown;
  correlationId?: string;
  sessionId?: string;
  applicationProperties: ApplicationProperties;
}

export interface ListDeadLettersOptions {
  /** Default 50, at most `maxDeadLetterPage`. */
  maxCount?: number;
  fromSequenceNumber?: bigint;
}

const bodyBytes = (body: unknown): number => Buffer.byteLength(JSON.stringify(body ?? null) ?? '', 'utf8');

function summarise(m: ReceivedMessage): DeadLetterSummary {
  return {
    sequenceNumber: m.sequenceNumber,
    messageId: m.messageId,
    ...(m.deadLetterReason !== undefined && { reason: m.deadLetterReason }),
    ...(m.deadLetterErrorDescription !== undefined && { description: m.deadLetterErrorDescription }),
    deliveryCount: m.deliveryCount,
    enqueuedAt: m.enqueuedAt,
    ...(m.subject !== undefined && { subject: m.subject }),
    bodyBytes: bodyBytes(m.body),
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

/** One dead-lettered message with its body and properties; undefined when there is none with that number. */
export async function inspectDeadLetter(bus: MessageBus, address: ReceiveAddress, sequenceNumber: bigint): Promise<DeadLetterDetail | undefined> {
  const [m] = await bus.peek(address, { deadLetter: true, fromSequenceNumber: sequenceNumber, maxCount: 1 });
  if (!m || m.sequenceNumber !== sequenceNumber) return undefined;
  return {
    ...summarise(m),
    body: m.body,
    ...(m.correlationId !== undefined && { correlationId: m.correlationId }),
    ...(m.sessionId !== undefined && { sessionId: m.sessionId }),
    applicationProperties: m.applicationProperties,
  };
}

export interface ResubmitOptions {
  /**
   * How many dead-lettered messages the resubmit may hold locked at once (default 64). The port
   * only receives in sequence order, so messages that were not chosen are held (locked, not
   * settled) until the run ends and then abandoned back: a chosen message is reachable only when
   * fewer than this many unchosen ones precede it. Those are reported as `notReached`.
   */
  scanWindow?: number;
  /** Give up waiting for the chosen messages after this long (default 15 s). */
  timeoutMs?: number;
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

export interface ResubmitResult {
  resubmitted: ResubmittedMessage[];
  /** Not in the dead-letter sub-queue (never was, or already resubmitted or purged). */
  notFound: bigint[];
  /** Present, but beyond the scan window or not received before the timeout; untouched. */
  notReached: bigint[];
}

const entityOf = (address: ReceiveAddress): EntityName => ('queue' in address ? address.queue : address.topic);

function copyOf(address: ReceiveAddress, m: ReceivedMessage): OutgoingMessage {
  return {
    // The body already passed the sender's types once; a copy that no longer fits the contract is
    // dead-lettered again by the typed consumer (schema-invalid), visibly, rather than refused here.
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
 * works on every adapter.
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
 * intended one so other consumers can ignore it. With the catalogue as it is (one subscription per
 * topic) the copy reaches only the intended consumer.
 *
 * If a copy is sent but completing the original fails (lock lost), the original stays
 * dead-lettered and a second resubmit sends another copy: at least once, never lost.
 */
export async function resubmitDeadLetters(
  bus: MessageBus,
  address: ReceiveAddress,
  sequenceNumbers: readonly bigint[],
  options: ResubmitOptions = {},
): Promise<ResubmitResult> {
  const scanWindow = Math.max(1, options.scanWindow ?? 64);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const topology = options.topology ?? defaultBusTopology;
  const wanted = new Set<bigint>();
  const notFound: bigint[] = [];
  for (const seq of new Set(sequenceNumbers)) {
    if (await inspectDeadLetter(bus, address, seq)) wanted.add(seq);
    else notFound.push(seq);
  }
  const resubmitted: ResubmittedMessage[] = [];
  if (wanted.size === 0) return { resubmitted, notFound, notReached: [] };

  const entity = entityOf(address);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const handled = new Set<bigint>();

  const consumer = bus.subscribe(
    address,
    async (message, context) => {
      const seq = message.sequenceNumber;
      if (!wanted.has(seq) || handled.has(seq)) {
        // Held, not abandoned at once: an abandoned message is redelivered first and would starve the scan.
        await released;
        await context.abandon();
        return;
      }
      handled.add(seq);
      const copy = copyOf(address, message);
      await bus.send(entity, copy);
      await context.complete();
      resubmitted.push({
        sequenceNumber: seq,
        originalMessageId: message.messageId,
        messageId: copy.messageId as string,
        ...('subscription' in address && { deliveredTo: destinations(topology, entity, copy) }),
      });
      if (resubmitted.length === wanted.size) allDone();
    },
    { deadLetter: true, maxConcurrentCalls: scanWindow },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  } finally {
    clearTimeout(timer);
    release();
    await consumer.close();
  }
  const sent = new Set(resubmitted.map((r) => r.sequenceNumber));
  return {
    resubmitted: resubmitted.sort((a, b) => (a.sequenceNumber < b.sequenceNumber ? -1 : 1)),
    notFound,
    notReached: [...wanted].filter((s) => !sent.has(s)),
  };
}
