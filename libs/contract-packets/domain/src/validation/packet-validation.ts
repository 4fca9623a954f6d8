import { channels, drugTypes, toUnits, type Channel, type DrugType, type GuaranteeMetric } from '@leaf/contracts';
import { termKeyOf, type CandidateTerm, type PacketIssue, type ParsedPacket, type TermKey } from '../rate-table/candidate-term';
import { guaranteeIdOf } from '../rate-table/guarantee-id';

/** What a guarantee currently says, and which source said it. */
export interface CurrentTerm {
  readonly guaranteeId: string;
  readonly value: string;
  readonly sourceSystem: string;
  readonly objectId: string;
  readonly locator: string;
}

export interface ValidationContext {
  /** The client scope the packet was filed under (its folder); the packet must name the same client. */
  readonly clientId: string;
  readonly knownPeriodIds: ReadonlySet<string>;
  /** Current versions of the period's guarantees, by guarantee id. */
  readonly current: ReadonlyMap<string, CurrentTerm>;
  /** The packet's own id: its earlier versions are compared, not conflicted with themselves by identity. */
  readonly packetId: string;
}

/** A term that disagrees with what another packet (or an earlier version of this one) promoted. */
export interface TermConflict {
  readonly guaranteeId: string;
  readonly proposed: string | null;
  readonly current: string;
  readonly currentObjectId: string;
  readonly currentLocator: string;
  readonly locator: string;
}

export interface PacketValidation {
  /** Any error rejects the packet. */
  readonly errors: readonly PacketIssue[];
  /** Conflicts hold the packet for an operator's approval. */
  readonly conflicts: readonly TermConflict[];
}

/** Plausible bounds per metric, in the units the terms carry (fraction of AWP, dollars). */
const bounds: Readonly<Record<GuaranteeMetric, { min: string; max: string; places: number; what: string }>> = {
  awp_discount: { min: '0', max: '1', places: 6, what: 'an AWP discount must be above 0% and at most 100%' },
  dispensing_fee: { min: '0', max: '50', places: 2, what: 'a dispensing fee must be between $0 and $50' },
  rebate_per_brand_claim: { min: '0', max: '10000', places: 2, what: 'a rebate per brand claim must be between $0 and $10,000' },
};

function rangeIssue(term: CandidateTerm): PacketIssue | null {
  if (term.value === null) return null;
  const b = bounds[term.metric];
  const v = toUnits(term.value, b.places);
  const tooLow = term.metric === 'awp_discount' ? v <= 0n : v < toUnits(b.min, b.places);
  if (tooLow || v > toUnits(b.max, b.places)) return { code: 'out-of-range', message: `${term.sourceText}: ${b.what}`, locator: term.locator };
  return null;
}

/** Every bucket a full rate schedule must state, guaranteed or explicitly not. */
function requiredKeys(): TermKey[] {
  const keys: TermKey[] = [];
  for (const channel of channels) for (const drugType of drugTypes) keys.push({ metric: 'awp_discount', channel, drugType });
  for (const channel of channels) keys.push({ metric: 'dispensing_fee', channel, drugType: null });
  for (const channel of channels) keys.push({ metric: 'rebate_per_brand_claim', channel, drugType: 'brand' });
  return keys;
}

const label = (k: { metric: GuaranteeMetric; channel: Channel; drugType: DrugType | null }) => `${k.metric} ${k.channel}${k.drugType ? ` ${k.drugType}` : ''}`;

/**
 * Validates a parsed packet: the parser's own issues, header facts against the scope it was
 * filed under, ranges, completeness of a full schedule (amendments restate only what changes),
 * duplicates, and conflicts with terms another packet already promoted.
 */
export function validatePacket(parsed: ParsedPacket, ctx: ValidationContext): PacketValidation {
  const errors: PacketIssue[] = [...parsed.issues];
  if (parsed.clientId && parsed.clientId !== ctx.clientId) {
    errors.push({ code: 'client-mismatch', message: `the packet names client ${parsed.clientId} but was filed under ${ctx.clientId}` });
  }
  if (parsed.periodId && !ctx.knownPeriodIds.has(parsed.periodId)) {
    errors.push({ code: 'unknown-period', message: `contract period ${parsed.periodId} is not a period of ${ctx.clientId}` });
  }
  const seen = new Map<string, CandidateTerm>();
  for (const term of parsed.terms) {
    const issue = rangeIssue(term);
    if (issue) errors.push(issue);
    const key = termKeyOf(term);
    const earlier = seen.get(key);
    if (earlier && earlier.value !== term.value) {
      errors.push({
        code: 'duplicate-term',
        message: `${label(term)} is stated twice with different values (${earlier.locator}, ${term.locator})`,
        locator: term.locator,
      });
    }
    seen.set(key, term);
  }
  if (parsed.kind === 'rate-schedule' && parsed.terms.length > 0) {
    const missing = requiredKeys().filter((k) => !seen.has(termKeyOf(k)));
    if (missing.length) {
      errors.push({ code: 'incomplete', message: `the rate schedule neither states nor excludes: ${missing.map(label).join(', ')}` });
    }
  }

  const conflicts: TermConflict[] = [];
  if (errors.length === 0 && parsed.periodId && parsed.kind !== 'amendment') {
    for (const term of seen.values()) {
      const current = ctx.current.get(guaranteeIdOf(parsed.periodId, term));
      // Only packets conflict: a seeded or retyped baseline is what packets are there to replace.
      if (!current || current.sourceSystem !== 'contract-packet') continue;
      if (term.value !== null && equalDecimal(term.value, current.value)) continue;
      conflicts.push({
        guaranteeId: current.guaranteeId,
        proposed: term.value,
        current: current.value,
        currentObjectId: current.objectId,
        currentLocator: current.locator,
        locator: term.locator,
      });
    }
  }
  return { errors, conflicts };
}

export const equalDecimal = (a: string, b: string) => toUnits(a, 6) === toUnits(b, 6);
