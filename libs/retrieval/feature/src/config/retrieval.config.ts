import { flagSetting, platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

/**
 * Where the index lives and how text becomes vectors. Embedded (the default): the PostgreSQL
 * hybrid index in the service database and the lexical embedding. Production: Azure AI Search
 * and Azure OpenAI; keys come from Key Vault through the CSI mount, or, when absent, the
 * workload identity is used. Secrets are validated for presence only and never echoed.
 */
export const retrievalConfigSchema = platformConfigSchema
  .extend({
    LEAF_SEARCH_BACKEND: z
      .enum(['postgres', 'azure-search'])
      .default('postgres')
      .describe('Where chunks are indexed: postgres (the service database: tsvector + pgvector) or azure-search.'),
    LEAF_SEARCH_ENDPOINT: z.url().optional().describe('Azure AI Search endpoint, https://<service>.search.windows.net (required with azure-search).'),
    LEAF_SEARCH_API_KEY: z.string().min(1).optional().describe('Azure AI Search admin key from Key Vault; unset: the workload identity (never echoed).'),
    LEAF_SEARCH_INDEX_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,100}$/)
      .default('leaf')
      .describe('Azure AI Search index names are <prefix>-<module>.'),
    LEAF_SEARCH_SEMANTIC_RANKER: flagSetting(false).describe('true: the Azure keyword branch is re-ranked by the semantic ranker (a paid tier feature).'),
    LEAF_SEARCH_BRANCH_DEPTH: z.coerce.number().int().min(10).max(1000).default(40).describe('Hits each branch (keyword, vector) contributes before fusion.'),
    LEAF_EMBEDDING: z
      .enum(['lexical', 'azure-openai'])
      .default('lexical')
      .describe('lexical: deterministic hashed character n-grams (spelling, not meaning; local); azure-openai: the deployment below.'),
    LEAF_AZURE_OPENAI_ENDPOINT: z.url().optional().describe('Azure OpenAI endpoint, https://<resource>.openai.azure.com (required with azure-openai).'),
    LEAF_AZURE_OPENAI_EMBEDDING_DEPLOYMENT: z
      .string()
      .min(1)
      .optional()
      .describe('Embedding deployment (a text-embedding-3 model, asked for 256 dimensions; required with azure-openai).'),
    LEAF_AZURE_OPENAI_API_KEY: z.string().min(1).optional().describe('Azure OpenAI key from Key Vault; unset: the workload identity (never echoed).'),
  })
  .superRefine((c, ctx) => {
    if (c.LEAF_SEARCH_BACKEND === 'azure-search' && !c.LEAF_SEARCH_ENDPOINT)
      ctx.addIssue({ code: 'custom', path: ['LEAF_SEARCH_ENDPOINT'], message: 'is required when LEAF_SEARCH_BACKEND=azure-search' });
    if (c.LEAF_EMBEDDING === 'azure-openai') {
      for (const key of ['LEAF_AZURE_OPENAI_ENDPOINT', 'LEAF_AZURE_OPENAI_EMBEDDING_DEPLOYMENT'] as const) {
        if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when LEAF_EMBEDDING=azure-openai' });
      }
    }
  });
export type RetrievalConfig = z.infer<typeof retrievalConfigSchema>;
