import { z } from 'zod';

/** The request header, as Node and Fastify present it (lower case). */
export const idempotencyKeyHeader = 'idempotency-key';

/**
 * The one Idempotency-Key rule, at the gateway and in every service behind it: 8 to 128
 * characters of `A-Z a-z 0-9 _ . : -`. A UUID fits, and so does what the gateway forwards
 * (`gw-` and a hex digest) and what lane-worker sends (`<taskId>.<attempt>`). The pattern is
 * what the OpenAPI document publishes.
 */
export const idempotencyKeyPattern = '^[A-Za-z0-9_.:-]{8,128}$';
export const idempotencyKeyRule = 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ . : -';
export const idempotencyKeySchema = z.string().regex(new RegExp(idempotencyKeyPattern), idempotencyKeyRule);
