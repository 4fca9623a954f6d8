import type { Readable } from 'node:stream';
import type { DomoDatasetMetadata } from '../domo-api/domo-api.schemas';

/**
 * Where Domo exports come from: the Platform API, or a folder of exported CSVs (the embedded
 * stack, and a takeover's last exports once Domo is gone). Either way a dataset is its Domo
 * metadata (with schema) and a CSV with a header row.
 */
export interface DomoSource {
  readonly kind: 'api' | 'folder';
  /** Every dataset the source offers, with its schema. */
  datasets(): Promise<DomoDatasetMetadata[]>;
  /** The dataset's CSV export (header row first), streamed. */
  open(datasetId: string): Promise<Readable>;
}

export const DOMO_SOURCE = Symbol.for('leaf.domo-takeover.DomoSource');
