import { queueCatalogue, topicCatalogue, type QueueName, type TopicName } from '@leaf/contracts';
import type { ReceiveAddress } from '@leaf/messaging';
import { z } from 'zod';

const queueName = z.enum(Object.keys(queueCatalogue) as [QueueName, ...QueueName[]]);
const topicName = z.enum(Object.keys(topicCatalogue) as [TopicName, ...TopicName[]]);
const subscriptionName = z.string().min(1).max(50);
/** Sequence numbers are 64-bit: decimal strings on the wire, bigint inside. */
const sequenceNumber = z
  .string()
  .regex(/^\d{1,19}$/, 'must be a decimal sequence number')
  .transform((s) => BigInt(s));

export const addressSchema: z.ZodType<ReceiveAddress> = z.union([
  z.object({ queue: queueName }).strict(),
  z.object({ topic: topicName, subscription: subscriptionName }).strict(),
]);

/** `?queue=agent-tasks` or `?topic=..&subscription=..`, plus paging for the listing. */
export const deadLetterQuerySchema = z
  .object({
    queue: queueName.optional(),
    topic: topicName.optional(),
    subscription: subscriptionName.optional(),
    maxCount: z.coerce.number().int().min(1).max(500).optional(),
    fromSequenceNumber: sequenceNumber.optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const isQueue = q.queue !== undefined && q.topic === undefined && q.subscription === undefined;
    const isSubscription = q.queue === undefined && q.topic !== undefined && q.subscription !== undefined;
    if (!isQueue && !isSubscription) ctx.addIssue({ code: 'custom', path: ['queue'], message: 'give either queue, or topic and subscription' });
  });
export type DeadLetterQuery = z.infer<typeof deadLetterQuerySchema>;

export const addressOf = (q: DeadLetterQuery): ReceiveAddress =>
  q.queue !== undefined ? { queue: q.queue } : { topic: q.topic as TopicName, subscription: q.subscription as string };

export const sequenceNumberParamsSchema = z.object({ sequenceNumber });

export const resubmitBodySchema = z
  .object({
    address: addressSchema,
    sequenceNumbers: z.array(sequenceNumber).min(1).max(100),
  })
  .strict();
export type ResubmitBody = z.infer<typeof resubmitBodySchema>;
