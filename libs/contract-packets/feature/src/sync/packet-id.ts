import { createHash } from 'node:crypto';

/** Stable per source file: the same OneDrive item (or folder file) is the same packet across versions. */
export const packetIdOf = (sourceId: string, itemId: string) => `pkt-${createHash('sha256').update(`${sourceId}\0${itemId}`).digest('hex').slice(0, 24)}`;
