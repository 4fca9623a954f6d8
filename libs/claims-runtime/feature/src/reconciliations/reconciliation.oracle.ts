/**
 * TEST ONLY: the reconciliation written the plainest way — one loop over every claim in memory,
 * bigint cents, no SQL, none of the engine's code — so the SQL engine has something independent
 * to agree with to the cent.
 */
export interface OracleClaim {
  claimId: string;
  clientId: string;
  memberId: string;
  pharmacyNpi: string;
  fillDate: string;
  ndc: string;
  drugType: string;
  channel: string;
  daysSupply: number;
  awp: string;
  ingredientCostPaid: string;
  dispensingFeePaid: string;
  usualAndCustomary: string;
  isCompound: boolean;
  is340b: boolean;
  isReversal: boolean;
  reversesClaimId: string | null;
  isUcPriced: boolean;
  /** Medi-Span MONY and DAW codes; null where the source has none (no reclassification then). */
  monyCode: string | null;
  dawCode: number | null;
  /** Null where the source has none (no refill-too-soon check then). */
  gpi: string | null;
  /** The member's share; null where the source has none (no DAW penalty check then). */
  patientPayAmount: string | null;
}

export interface OracleTerm {
  guaranteeId: string;
  version: number;
  /** The version governs these dates (null: the period's start / end) unless a higher one covers them. */
  effectiveFrom?: string | null;
  effectiveTo?: string | null;
  metric: string;
  channel: string | null;
  drugType: string | null;
  guaranteedValue: string;
  method: string;
  exclusions: string[];
  offsetGroup: string | null;
  /** 'deduct': finding dollars leave the term first; 'keep': they stay (disclosed). */
  findingOverlap: string;
}

/** What one claim paid, what its findings recover, and what of it the aggregate terms still measure. */
export interface OracleClaimLedger {
  claimId: string;
  paid: string;
  recovered: string;
  measured: string;
}

export interface OracleResult {
  buckets: Map<
    string,
    {
      claimCount: number;
      awp: string;
      ingredientCostPaid: string;
      dispensingFeePaid: string;
      variance: string;
      shortfall: string;
      moved: {
        claimCount: number;
        removedClaims: number;
        ingredientCostPaid: string;
        dispensingFeePaid: string;
      } | null;
    }
  >;
  /** Claims whose recovered plus measured dollars exceed what they paid: a dollar counted twice. */
  countedTwice: OracleClaimLedger[];
  /** How many claims carry a finding and are measured by an aggregate term (the check is not vacuous). */
  ledgerClaims: number;
  guaranteeShortfall: string;
  auditImpact: string;
  claimCount: number;
  excludedClaimCount: number;
  findings: Array<{ kind: string; claimId: string | null; impact: string }>;
}

const cents = (m: string): bigint => {
  const neg = m.startsWith('-');
  const [w, f = ''] = (neg ? m.slice(1) : m).split('.');
  const v = BigInt(w ?? '0') * 100n + BigInt((f + '00').slice(0, 2));
  return neg ? -v : v;
};
const micro = (rate: string): bigint => {
  const [w, f = ''] = rate.split('.');
  return BigInt(w ?? '0') * 1_000_000n + BigInt((f + '000000').slice(0, 6));
};
const money = (c: bigint): string => {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
};
/** Half away from zero, like a finance team rounds. */
const round = (n: bigint, d: bigint): bigint => {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (a * 2n + d) / (2n * d);
  return neg ? -q : q;
};

/** A version over one unbroken stretch of dates it governs; `key` is `<guarantee id>@<from>`. */
type DatedTerm = OracleTerm & { from: string; to: string; key: string };

export function oracleReconcile(all: OracleClaim[], terms: OracleTerm[], clientId: string, start: string, end: string): OracleResult {
  const reversed = new Set(all.filter((c) => c.clientId === clientId && c.isReversal && c.reversesClaimId).map((c) => c.reversesClaimId));
  const net = all.filter((c) => c.clientId === clientId && !c.isReversal && c.fillDate >= start && c.fillDate <= end && !reversed.has(c.claimId));
  const excluded = (c: OracleClaim, ex: string[]) =>
    (ex.includes('uc_priced') && c.isUcPriced) || (ex.includes('compound') && c.isCompound) || (ex.includes('340b') && c.is340b);
  // Which version governs each day: walk the period day by day, the highest covering version wins,
  // and every unbroken stretch of one version is a term of its own.
  const days: string[] = [];
  for (let d = new Date(`${start}T00:00:00Z`); d.toISOString().slice(0, 10) <= end; d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  const sortedTerms: DatedTerm[] = [];
  for (const id of [...new Set(terms.map((t) => t.guaranteeId))].sort()) {
    const versions = terms.filter((t) => t.guaranteeId === id);
    let current: DatedTerm | null = null;
    for (const day of days) {
      const governing = versions.filter((v) => (v.effectiveFrom ?? start) <= day && day <= (v.effectiveTo ?? end)).sort((a, b) => b.version - a.version)[0];
      if (current && governing && current.version === governing.version) {
        current.to = day;
        continue;
      }
      current = governing ? { ...governing, from: day, to: day, key: `${id}@${day}` } : null;
      if (current) sortedTerms.push(current);
    }
  }
  const inTerm = (t: DatedTerm, c: OracleClaim) =>
    (t.channel === null || c.channel === t.channel) &&
    (t.drugType === null || c.drugType === t.drugType) &&
    t.from <= c.fillDate &&
    c.fillDate <= t.to &&
    !excluded(c, t.exclusions);

  // 1. Per-claim fee ceilings: every fee above one is a finding of its own.
  const feeFindings: Array<{ kind: string; claimId: string; impact: string }> = [];
  const excessByTerm = new Map<string, bigint>();
  for (const t of sortedTerms) {
    if (t.metric !== 'dispensing_fee' || t.method !== 'per_claim') continue;
    let excess = 0n;
    for (const c of net) {
      if (!inTerm(t, c)) continue;
      const over = cents(c.dispensingFeePaid) * 10_000n - micro(t.guaranteedValue);
      if (over > 0n) {
        const overCents = round(over, 10_000n);
        excess += overCents;
        feeFindings.push({
          kind: 'fee_above_contract',
          claimId: c.claimId,
          impact: money(overCents),
        });
      }
    }
    excessByTerm.set(t.key, excess);
  }

  // 2. Audit: one finding per claim, first match wins; fees above the contract are capped out.
  const feeTerms = sortedTerms.filter((t) => t.metric === 'dispensing_fee' && t.method === 'per_claim');
  // The fee ceiling of the claim's channel in force on its fill date.
  const feeTermOf = (c: OracleClaim) => feeTerms.find((t) => (t.channel === c.channel || t.channel === null) && t.from <= c.fillDate && c.fillDate <= t.to);
  // Brand/generic as the contract defines it: MONY Y is generic, a multi-source brand (M, O) at
  // DAW 5 is generic, anything else brand. A claim typed otherwise is held to the discount of the
  // term that measures its channel and re-derived type on its fill date.
  const discountTerms = sortedTerms.filter((t) => t.metric === 'awp_discount' && t.method === 'aggregate');
  const reclassAtStake = (c: OracleClaim): bigint => {
    if (c.monyCode === null) return 0n;
    const derived = c.monyCode === 'Y' || ((c.monyCode === 'M' || c.monyCode === 'O') && c.dawCode === 5) ? 'generic' : 'brand';
    if (derived === c.drugType) return 0n;
    const term = discountTerms.find((t) => inTerm(t, { ...c, drugType: derived }));
    if (!term) return 0n;
    const over = cents(c.ingredientCostPaid) * 1_000_000n - cents(c.awp) * (1_000_000n - micro(term.guaranteedValue));
    return round(over, 1_000_000n);
  };
  // Refill too soon: the member's previous fill of the same GPI in the period (by fill date, then
  // claim id), at any pharmacy; too soon when fewer than 75% of its days have passed.
  const previousFill = new Map<string, OracleClaim>();
  const lastByGpi = new Map<string, OracleClaim>();
  for (const c of [...net].sort((a, b) => (a.fillDate !== b.fillDate ? (a.fillDate < b.fillDate ? -1 : 1) : a.claimId < b.claimId ? -1 : 1))) {
    if (c.gpi === null) continue;
    const key = `${c.memberId}|${c.gpi}`;
    const before = lastByGpi.get(key);
    if (before) previousFill.set(c.claimId, before);
    lastByGpi.set(key, c);
  }
  const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
  const tooSoon = (c: OracleClaim): boolean => {
    const before = previousFill.get(c.claimId);
    return before !== undefined && daysBetween(before.fillDate, c.fillDate) * 100 < before.daysSupply * 75;
  };
  // Days supply above the channel's plan maximum: the ingredient cost of the days beyond it.
  const maxDays: Record<string, number> = { retail30: 34, retail90: 102, mail: 102, specialty: 34 };
  const beyondMax = (c: OracleClaim): bigint => {
    const max = maxDays[c.channel];
    if (max === undefined || c.daysSupply <= max) return 0n;
    return round(cents(c.ingredientCostPaid) * BigInt(c.daysSupply - max), BigInt(c.daysSupply));
  };
  // DAW penalty: a multi-source brand (MONY M or O) dispensed DAW 2 is held to the generic discount
  // of its channel on its fill date; what it cost above that, less what the member paid, the plan
  // paid for the member.
  const dawPenalty = (c: OracleClaim): bigint => {
    if (c.patientPayAmount === null || (c.monyCode !== 'M' && c.monyCode !== 'O') || c.dawCode !== 2) return 0n;
    const term = discountTerms.find((t) => t.drugType !== 'brand' && inTerm(t, { ...c, drugType: t.drugType ?? c.drugType }));
    if (!term) return 0n;
    const over = cents(c.ingredientCostPaid) * 1_000_000n - cents(c.awp) * (1_000_000n - micro(term.guaranteedValue));
    return round(over, 1_000_000n) - cents(c.patientPayAmount);
  };
  const seen = new Map<string, string>();
  const audit: Array<{ kind: string; claimId: string; impact: bigint }> = [];
  const sorted = [...net].sort((a, b) => (a.claimId < b.claimId ? -1 : 1));
  for (const c of sorted) {
    const key = `${c.memberId}|${c.ndc}|${c.fillDate}|${c.pharmacyNpi}`;
    const duplicate = seen.has(key);
    if (!duplicate) seen.set(key, c.claimId);
    const term = feeTermOf(c);
    const feePaid = cents(c.dispensingFeePaid);
    const contract = term ? round(micro(term.guaranteedValue), 10_000n) : null;
    const capped = contract === null || feePaid < contract ? feePaid : contract;
    const ic = cents(c.ingredientCostPaid);
    let kind: string | null = null;
    let impact = 0n;
    if (duplicate) {
      kind = 'duplicate_fill';
      impact = ic + capped;
    } else if (tooSoon(c)) {
      kind = 'refill_too_soon';
      impact = ic + capped;
    } else if (!c.isUcPriced && ic + capped > cents(c.usualAndCustomary)) {
      kind = 'paid_above_uc';
      impact = ic + capped - cents(c.usualAndCustomary);
    } else if (ic > cents(c.awp)) {
      kind = 'ingredient_above_awp';
      impact = ic - cents(c.awp);
    } else if (beyondMax(c) > 0n) {
      kind = 'implausible_days_supply';
      impact = beyondMax(c);
    } else if (reclassAtStake(c) > 0n) {
      kind = 'brand_generic_reclass';
      impact = reclassAtStake(c);
    } else if (dawPenalty(c) > 0n) {
      kind = 'daw_penalty';
      impact = dawPenalty(c);
    } else if ((c.channel === 'retail90' || c.channel === 'mail') && c.daysSupply < 84) {
      kind = 'short_days_supply_90';
      impact = capped;
    }
    if (kind) audit.push({ kind, claimId: c.claimId, impact });
  }

  // 3. What each claim's findings recover, by where it was paid: a duplicate recovers the claim;
  // above AWP, a reclassification, days beyond the maximum and a DAW penalty come off the ingredient cost; above U&C off the ingredient cost, then the fee;
  // a short 90-day fill's fee and a fee above its ceiling off the fee.
  const recovery = new Map<string, { removed: boolean; ic: bigint; fee: bigint; total: bigint }>();
  const byId = new Map(net.map((c) => [c.claimId, c]));
  for (const f of [...audit, ...feeFindings.map((f) => ({ ...f, impact: cents(f.impact) }))]) {
    const c = byId.get(f.claimId)!;
    const r = recovery.get(f.claimId) ?? {
      removed: false,
      ic: 0n,
      fee: 0n,
      total: 0n,
    };
    r.total += f.impact;
    if (f.kind === 'duplicate_fill' || f.kind === 'refill_too_soon') r.removed = true;
    else if (['ingredient_above_awp', 'brand_generic_reclass', 'implausible_days_supply', 'daw_penalty'].includes(f.kind)) r.ic += f.impact;
    else if (f.kind === 'paid_above_uc') {
      const paidIc = cents(c.ingredientCostPaid);
      const fromIc = f.impact < paidIc ? f.impact : paidIc;
      r.ic += fromIc;
      r.fee += f.impact - fromIc;
    } else r.fee += f.impact;
    recovery.set(f.claimId, r);
  }

  // 4. The terms, over each claim's dollars less what its findings recover (unless the term keeps them).
  const buckets: OracleResult['buckets'] = new Map();
  const measured = new Map<string, bigint>();
  const variances = new Map<string, bigint>();
  let perClaimShortfall = 0n;
  for (const t of sortedTerms) {
    const adjusts = t.method === 'aggregate' && (t.metric === 'awp_discount' || t.metric === 'dispensing_fee');
    const deduct = adjusts && t.findingOverlap !== 'keep';
    let n = 0;
    let awp = 0n;
    let ic = 0n;
    let fee = 0n;
    const moved = { claimCount: 0, removedClaims: 0, ic: 0n, fee: 0n };
    for (const c of net) {
      if (!inTerm(t, c)) continue;
      const r = recovery.get(c.claimId);
      let cIc = cents(c.ingredientCostPaid);
      let cFee = cents(c.dispensingFeePaid);
      const cAwp = cents(c.awp);
      if (adjusts && r) {
        moved.claimCount += 1;
        moved.ic += r.removed ? cIc : r.ic;
        moved.fee += r.removed ? cFee : r.fee;
        if (r.removed && deduct) moved.removedClaims += 1;
      }
      if (deduct && r) {
        if (r.removed) {
          measured.set(c.claimId, measured.get(c.claimId) ?? 0n);
          continue;
        }
        cIc -= r.ic;
        cFee -= r.fee;
      }
      n++;
      awp += cAwp;
      ic += cIc;
      fee += cFee;
      if (adjusts) {
        const dollars = t.metric === 'awp_discount' ? cIc : cFee;
        measured.set(c.claimId, (measured.get(c.claimId) ?? 0n) + dollars);
      }
    }
    let v = 0n;
    let shortfall = 0n;
    if (t.metric === 'awp_discount') {
      v = micro(t.guaranteedValue) * awp - (awp - ic) * 1_000_000n;
      shortfall = v > 0n ? round(v, 1_000_000n) : 0n;
    } else if (t.metric === 'dispensing_fee') {
      v = fee * 1_000_000n - micro(t.guaranteedValue) * 100n * BigInt(n);
      const excess = excessByTerm.get(t.key) ?? 0n;
      shortfall = t.method === 'per_claim' ? excess : v > 0n ? round(v, 1_000_000n) : 0n;
      if (t.method === 'per_claim') perClaimShortfall += excess;
    }
    buckets.set(t.key, {
      claimCount: n,
      awp: money(awp),
      ingredientCostPaid: money(ic),
      dispensingFeePaid: money(fee),
      variance: money(t.metric === 'rebate_per_brand_claim' ? 0n : round(v, 1_000_000n)),
      shortfall: money(shortfall),
      moved: adjusts
        ? {
            claimCount: moved.claimCount,
            removedClaims: moved.removedClaims,
            ingredientCostPaid: money(moved.ic),
            dispensingFeePaid: money(moved.fee),
          }
        : null,
    });
    if (t.metric !== 'rebate_per_brand_claim' && t.method !== 'per_claim') {
      const key = t.offsetGroup ? `group:${t.offsetGroup}` : `term:${t.key}`;
      variances.set(key, (variances.get(key) ?? 0n) + v);
    }
  }
  const findings: Array<{
    kind: string;
    claimId: string | null;
    impact: string;
  }> = [];
  let owed = perClaimShortfall;
  for (const [, v] of [...variances].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const o = v > 0n ? round(v, 1_000_000n) : 0n;
    if (o > 0n) {
      owed += o;
      findings.push({
        kind: 'guarantee_shortfall',
        claimId: null,
        impact: money(o),
      });
    }
  }
  let auditImpact = 0n;
  for (const f of audit) {
    findings.push({
      kind: f.kind,
      claimId: f.claimId,
      impact: money(f.impact),
    });
    auditImpact += f.impact;
  }
  findings.push(...feeFindings);

  // 5. The ledger: no claim may be both recovered and still measured for the same dollars.
  const countedTwice: OracleClaimLedger[] = [];
  let ledgerClaims = 0;
  for (const [claimId, r] of recovery) {
    const c = byId.get(claimId)!;
    const paid = cents(c.ingredientCostPaid) + cents(c.dispensingFeePaid);
    const inTerms = measured.get(claimId);
    if (inTerms === undefined) continue;
    ledgerClaims += 1;
    if (r.total + inTerms > paid)
      countedTwice.push({
        claimId,
        paid: money(paid),
        recovered: money(r.total),
        measured: money(inTerms),
      });
  }
  return {
    buckets,
    countedTwice,
    ledgerClaims,
    guaranteeShortfall: money(owed),
    auditImpact: money(auditImpact),
    claimCount: net.length,
    excludedClaimCount: net.filter((c) => c.isUcPriced || c.isCompound || c.is340b).length,
    findings,
  };
}
