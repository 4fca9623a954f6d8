import { channels, drugTypes } from '@leaf/contracts';

/**
 * A pricing bucket is one channel x drug type cell of a rate table; the generator keeps its
 * per-bucket figures in flat arrays indexed by `bucketIndex` because the claim loop is hot.
 */
export const bucketCount = channels.length * drugTypes.length;

export function bucketIndex(channelIndex: number, drugTypeIndex: number): number {
  return channelIndex * drugTypes.length + drugTypeIndex;
}
