import { z } from 'zod';

/** A rendered Kubernetes object: only the type meta is trusted, the rest is validated per kind. */
export const k8sObjectSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.object({ name: z.string().min(1) }).passthrough(),
  })
  .passthrough();

export type K8sObject = z.infer<typeof k8sObjectSchema> & Record<string, unknown>;

export const objectRef = (o: Pick<K8sObject, 'kind' | 'metadata'>): string => `${o.kind}/${o.metadata.name}`;

/** One problem with one object in one rendering. */
export interface ChartFinding {
  /** Chart name, or the manifest path for cluster-level files. */
  chart: string;
  /** The values case, e.g. `ci/default-values.yaml` or `env:prod`. */
  case: string;
  /** `Kind/name`, or `-` when the failure is the whole rendering (lint, template). */
  object: string;
  rule: string;
  message: string;
}
