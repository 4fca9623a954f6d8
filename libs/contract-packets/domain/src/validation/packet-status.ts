/**
 * A packet's life: discovered in the source, its bytes stored (hash-verified) in the lake, text
 * extracted, terms validated, then promoted into contract_guarantees or rejected with a reason.
 * `review` is a validated packet whose terms conflict with promoted ones: it waits for an operator.
 */
export const packetStatuses = ['discovered', 'stored', 'extracted', 'validated', 'review', 'promoted', 'rejected', 'deleted'] as const;
export type PacketStatus = (typeof packetStatuses)[number];
