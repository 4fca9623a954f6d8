import { findingPageSchema, packetListSchema, taskListSchema } from '@leaf/contracts';
import { z } from 'zod';

/**
 * The gateway's pages: the owning service's page plus `nextLink`, the path (with query) of the
 * next page, null on the last. The gateway declares these beside its controllers; the CLI
 * extends the same contract schemas rather than importing the gateway's Nest code.
 */
const nextLink = z.string().nullable();
export const linkedFindingPageSchema = findingPageSchema.extend({ nextLink });
export const linkedTaskListSchema = taskListSchema.extend({ nextLink });
export const linkedPacketListSchema = packetListSchema.extend({ nextLink });

/** The `end` event of a task's SSE stream. */
export const taskStreamEndSchema = z.object({
  taskId: z.string(),
  status: z.string(),
});
