import type { Readable } from 'node:stream';
import { DomoApiClient, type DomoApiOptions } from '../domo-api/domo-api.client';
import type { DomoDatasetMetadata } from '../domo-api/domo-api.schemas';
import type { DomoSource } from './domo-source.port';

/** The Domo Platform API as a source: the list, then each dataset's metadata for its schema. */
export class ApiDomoSource implements DomoSource {
  readonly kind = 'api' as const;
  private readonly client: DomoApiClient;

  constructor(options: DomoApiOptions) {
    this.client = new DomoApiClient(options);
  }

  async datasets(): Promise<DomoDatasetMetadata[]> {
    const out: DomoDatasetMetadata[] = [];
    for await (const summary of this.client.listDatasets()) out.push(await this.client.metadata(summary.id));
    return out;
  }

  open(datasetId: string): Promise<Readable> {
    return this.client.exportCsv(datasetId);
  }
}
