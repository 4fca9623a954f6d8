import { artifactNameSchema, findingPageSchema, reconciliationRunParamsSchema, runListSchema } from '@leaf/contracts';
import { z } from 'zod';

/** The findings page as the gateway answers it: the service's page plus the link to the next one. */
export const linkedFindingPageSchema = findingPageSchema.extend({
  /** The path (with query) of the next page; null on the last page. */
  nextLink: z.string().nullable(),
});

/** A client's runs as the gateway answers them: the service's page plus the link to the next one. */
export const linkedRunListSchema = runListSchema.extend({ nextLink: z.string().nullable() });

/** An unknown name (including any path such as `../x`) fails here, before anything is fetched. */
export const artifactParamsSchema = reconciliationRunParamsSchema.extend({ name: artifactNameSchema });
export type ArtifactParams = z.infer<typeof artifactParamsSchema>;
