import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

/** The launcher's own settings; every service still reads the platform settings too. */
export const localStackConfigSchema = platformConfigSchema.extend({
  LEAF_DATA_DIR: z.string().min(1).default('.data'),
  LEAF_SEED: z.coerce.number().int().min(0).max(0xffff_ffff).default(20_251_123),
  /** Added to every service's default port, to run a second stack (or a test) beside the first. */
  LEAF_PORT_OFFSET: z.coerce.number().int().min(0).max(50_000).default(0),
  LEAF_SEED_CLAIMS: z.coerce.number().int().min(0).max(100_000_000).default(200_000),
});
export type LocalStackConfig = z.infer<typeof localStackConfigSchema>;
