import { z } from 'zod';
import { queueCatalogue, subscriptionCatalogue, topicCatalogue, type QueueName, type TopicName } from '../messaging/topology';

/**
 * Dead-letter administration through the gateway (operators only): list a queue's or a
 * subscription's dead letters, resubmit them to their entity once the cause is fixed, or purge
 * one that is not worth handling. Sequence numbers are 64-bit: decimal strings on the wire.
 */
const queueName = z.enum(Object.keys(queueCatalogue) as [QueueName, ...QueueName[]]);
const topicName = z.enum(Object.keys(topicCatalogue) as [TopicName, ...TopicName[]]);
const subscriptionName = z.string().min(1).max(50);

export const deadLetterSequenceNumberSchema = z.string().regex(/^\d{1,19}$/, 'must be a decimal sequence number');

/** A queue, or a topic with one of its declared subscriptions: where the dead letters are. */
const addressFields = {
  queue: queueName.optional().describe('a queue (or give topic and subscription)'),
  topic: topicName.optional().describe('a topic, with subscription'),
  subscription: subscriptionName.optional().describe("one of the topic's declared subscriptions"),
};
type AddressFields = { queue?: QueueName; topic?: TopicName; subscription?: string };

function checkAddress(a: AddressFields, ctx: z.RefinementCtx): void {
  const isQueue = a.queue !== undefined && a.topic === undefined && a.subscription === undefined;
  const isSubscription = a.queue === undefined && a.topic !== undefined && a.subscription !== undefined;
  if (!isQueue && !isSubscription) {
    ctx.addIssue({ code: 'custom', path: ['queue'], message: 'give either queue, or topic and subscription' });
    return;
  }
  if (isSubscription && !subscriptionCatalogue.some((s) => s.topic === a.topic && s.name === a.subscription)) {
    ctx.addIssue({ code: 'custom', path: ['subscription'], message: `the topic has no subscription of that name` });
  }
}

export const deadLetterListQuerySchema = z
  .object({
    ...addressFields,
    maxCount: z.coerce.number().int().min(1).max(200).optional().describe('page size, default 50'),
    fromSequenceNumber: deadLetterSequenceNumberSchema.optional().describe("where the page starts: the previous page's nextFromSequenceNumber"),
  })
  .strict()
  .superRefine(checkAddress);
export type DeadLetterListQuery = z.infer<typeof deadLetterListQuerySchema>;

export const deadLetterParamsSchema = z.object({ sequenceNumber: deadLetterSequenceNumberSchema });

/** Where one dead letter is (resubmit or purge one). */
export const deadLetterAddressBodySchema = z.object(addressFields).strict().superRefine(checkAddress);
export type DeadLetterAddressBody = z.infer<typeof deadLetterAddressBodySchema>;

/** A batch to resubmit: up to 100 sequence numbers of one queue or subscription. */
export const deadLetterBatchBodySchema = z
  .object({ ...addressFields, sequenceNumbers: z.array(deadLetterSequenceNumberSchema).min(1).max(100) })
  .strict()
  .superRefine(checkAddress);
export type DeadLetterBatchBody = z.infer<typeof deadLetterBatchBodySchema>;

const bodyProblemSchema = z.object({ reason: z.string(), description: z.string() });

export const deadLetterItemSchema = z.object({
  sequenceNumber: deadLetterSequenceNumberSchema,
  messageId: z.string(),
  subject: z.string().nullable(),
  /** The client the message names; null when it names none (only operators of every client see those). */
  clientId: z.string().nullable(),
  reason: z.string().nullable(),
  description: z.string().nullable(),
  deliveryCount: z.number().int().min(0),
  enqueuedAt: z.iso.datetime(),
  bodyBytes: z.number().int().min(0),
  /** Why the body can never be handled (not JSON, not UTF-8, too large, not the contract): resubmit refuses it; purge it. */
  bodyProblem: bodyProblemSchema.nullable(),
  /** The start of the body, scrubbed: secret-named fields, bearer tokens, JWTs and every URL are replaced. For a glance, not for parsing. */
  bodyPreview: z.string(),
  bodyPreviewTruncated: z.boolean(),
});
export type DeadLetterItem = z.infer<typeof deadLetterItemSchema>;

export const deadLetterListSchema = z.object({
  entity: z.string(),
  subscription: z.string().nullable(),
  items: z.array(deadLetterItemSchema),
  /** Pass as fromSequenceNumber for the next page; null at the end. */
  nextFromSequenceNumber: deadLetterSequenceNumberSchema.nullable(),
});
export type DeadLetterList = z.infer<typeof deadLetterListSchema>;

export const resubmittedDeadLetterSchema = z.object({
  sequenceNumber: deadLetterSequenceNumberSchema,
  originalMessageId: z.string(),
  /** The copy's new messageId (the original's is in its `leaf-resubmitted-from` property). */
  messageId: z.string(),
  /** A subscription's dead letter goes back through its topic: every subscription the copy reached. */
  deliveredTo: z.array(z.string()).nullable(),
});
export type ResubmittedDeadLetter = z.infer<typeof resubmittedDeadLetterSchema>;

export const deadLetterBatchResultSchema = z.object({
  resubmitted: z.array(resubmittedDeadLetterSchema),
  /** Not in the dead-letter queue (never was, already resubmitted or purged, or another client's). */
  notFound: z.array(deadLetterSequenceNumberSchema),
  /** Locked by someone else: untouched, try again. */
  notReached: z.array(deadLetterSequenceNumberSchema),
  /** Bodies that can never be handled: left where they are. */
  refused: z.array(bodyProblemSchema.extend({ sequenceNumber: deadLetterSequenceNumberSchema })),
});
export type DeadLetterBatchResult = z.infer<typeof deadLetterBatchResultSchema>;

export const purgedDeadLetterSchema = z.object({ sequenceNumber: deadLetterSequenceNumberSchema, messageId: z.string(), purged: z.literal(true) });
export type PurgedDeadLetter = z.infer<typeof purgedDeadLetterSchema>;
