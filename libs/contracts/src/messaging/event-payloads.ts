import { z } from 'zod';
import { sha256Schema } from '../hashing/sha256';
import { clientIdSchema } from '../pbm/client';
import { moneySchema } from '../pbm/money';

const sha256 = sha256Schema;
const at = z.iso.datetime();

export const reconciliationCompletedV1 = z.object({
  runId: z.string().min(1).max(64),
  clientId: clientIdSchema,
  periodId: z.string().min(1).max(64),
  shortfall: moneySchema,
  findingsArtifactSha256: sha256.nullable(),
  completedAt: at,
});

export const packetPromotedV1 = z.object({
  packetId: z.string().min(1).max(128),
  clientId: clientIdSchema,
  sha256,
  guaranteeIds: z.array(z.string().min(1).max(64)),
  promotedAt: at,
});

export const requestChangedV1 = z.object({
  requestId: z.string().min(1).max(64),
  clientId: clientIdSchema,
  changedFields: z.array(z.string().min(1).max(100)),
  changedAt: at,
});

// The search-document contract lives in ../search/search-document.ts (one contract for every publisher).

export const taskEventV1 = z.object({
  taskId: z.string().min(1).max(64),
  kind: z.string().min(1).max(64),
  clientId: clientIdSchema,
  attempt: z.number().int().min(1),
  at,
  detail: z.string().max(2000).optional(),
});

/** The command on the `agent-tasks` queue: a wake-up for a task whose truth is the ledger. */
export const agentTaskV1 = z.object({
  taskId: z.string().min(1).max(64),
  kind: z.string().min(1).max(64),
  clientId: clientIdSchema,
  parameters: z.record(z.string(), z.unknown()),
  requestedBy: z.string().min(1).max(200),
});
