import { sha256Hex } from '@leaf/contracts';

/** Stable per source file: the same OneDrive item (or folder file) is the same packet across versions. */
export const packetIdOf = (sourceId: string, itemId: string) => `pkt-${sha256Hex(`${sourceId}\0${itemId}`).slice(0, 24)}`;
