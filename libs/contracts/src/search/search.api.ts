import { z } from 'zod';
import { roleSchema } from '../auth/identity';
import { clientIdSchema } from '../pbm/client';
import { searchModuleSchema, searchSourceSchema } from './search-document';

/** GET /v1/search?q=&module=&clientId=&limit= */
export const searchQuerySchema = z.object({
  q: z.string().trim().min(1, 'q must not be empty').max(500),
  module: searchModuleSchema.optional(),
  clientId: clientIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** One branch's view of a hit: its rank in that branch (1 = best) and the branch's own score. */
export const branchSubscoreSchema = z.object({ rank: z.number().int().min(1), score: z.number() });

export const searchHitSchema = z.object({
  documentId: z.string(),
  chunkId: z.string(),
  module: searchModuleSchema,
  clientId: clientIdSchema,
  title: z.string(),
  text: z.string(),
  /** Provenance: the source system, the object there, where in it, and the version's hash. */
  provenance: z.object({ source: searchSourceSchema, objectId: z.string(), locator: z.string(), sha256: z.string() }),
  /** The fused score (weighted reciprocal rank fusion) and each branch's part; null = not found by that branch. */
  score: z.number(),
  subscores: z.object({ keyword: branchSubscoreSchema.nullable(), vector: branchSubscoreSchema.nullable() }),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResponseSchema = z.object({
  q: z.string(),
  /** The modules searched and why (the router's decision). */
  route: z.object({ modules: z.array(searchModuleSchema), reason: z.string() }),
  /** The scope filter every branch applied: the clients searched and the role they were searched as. */
  scope: z.object({ clientIds: z.union([z.literal('*'), z.array(clientIdSchema)]), role: roleSchema, decision: z.string() }),
  backend: z.enum(['postgres', 'azure-search']),
  hits: z.array(searchHitSchema),
});
export type SearchResponse = z.infer<typeof searchResponseSchema>;

/** POST /v1/search/reindex (the `retrieval.reindex` task): rebuild the index from the registry. */
export const reindexBodySchema = z.object({ clientId: clientIdSchema.optional(), module: searchModuleSchema.optional() }).strict().optional();
export type ReindexBody = z.infer<typeof reindexBodySchema>;

export const reindexResultSchema = z.object({
  documents: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  embedding: z.string(),
  backend: z.enum(['postgres', 'azure-search']),
  durationMs: z.number().nonnegative(),
});
export type ReindexResult = z.infer<typeof reindexResultSchema>;
