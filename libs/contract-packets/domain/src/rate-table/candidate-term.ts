import type { Channel, ClaimExclusion, DrugType, GuaranteeMetric } from '@leaf/contracts';

/** A problem found in a packet, with where it was found when that is known. */
export interface PacketIssue {
  readonly code: PacketIssueCode;
  readonly message: string;
  readonly locator?: string;
}

export const packetIssueCodes = [
  'unreadable',
  'hash-mismatch',
  'encrypted',
  'unsupported-format',
  'rate-table-missing',
  'header-missing',
  'client-mismatch',
  'unknown-period',
  'unparseable-value',
  'unknown-label',
  'out-of-range',
  'incomplete',
  'duplicate-term',
] as const;
export type PacketIssueCode = (typeof packetIssueCodes)[number];

export interface TermKey {
  readonly metric: GuaranteeMetric;
  readonly channel: Channel;
  readonly drugType: DrugType | null;
}

/** One term read from a rate table; `value` null means the packet states the bucket is not guaranteed. */
export interface CandidateTerm extends TermKey {
  readonly value: string | null;
  readonly method: 'aggregate' | 'per_claim';
  readonly exclusions: readonly ClaimExclusion[];
  /** The cell (or page) the value was read from. */
  readonly locator: string;
  /** The row as written, for reviewers. */
  readonly sourceText: string;
  /**
   * The dates the term is in force, as the packet states them (its row's Effective cell, or an
   * amendment's Term / Effective header); null where it states none: the whole contract period.
   */
  readonly effectiveFrom: string | null;
  readonly effectiveTo: string | null;
}

export type PacketKind = 'rate-schedule' | 'amendment';

export interface ParsedPacket {
  readonly kind: PacketKind;
  readonly clientId: string | null;
  readonly periodId: string | null;
  readonly terms: readonly CandidateTerm[];
  readonly issues: readonly PacketIssue[];
}

export const termKeyOf = (t: TermKey) => `${t.metric}/${t.channel}/${t.drugType ?? '*'}`;
