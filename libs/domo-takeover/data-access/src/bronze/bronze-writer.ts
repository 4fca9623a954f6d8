import type { Readable } from 'node:stream';
import type { Lake, LakeObject } from '@leaf/storage';
import { CsvRowCounter } from './csv-row-counter';

export interface BronzeObject {
  readonly object: LakeObject;
  /** Data rows (the header excluded). */
  readonly rows: number;
}

export function bronzeArea(dataset: string): string {
  return `bronze/domo/${dataset.replaceAll('_', '-')}`;
}

/**
 * Puts an export's raw bytes into the lake, content-addressed under `bronze/domo/<dataset>`,
 * counting its rows on the way (one pass, nothing buffered). The same bytes twice are one object.
 */
export async function writeBronze(lake: Lake, dataset: string, csv: Readable, metadata: Record<string, string>): Promise<BronzeObject> {
  const counter = new CsvRowCounter();
  csv.once('error', (e) => counter.destroy(e));
  const object = await lake.put(bronzeArea(dataset), csv.pipe(counter), { contentType: 'text/csv', metadata });
  return { object, rows: Math.max(0, counter.records - 1) };
}
