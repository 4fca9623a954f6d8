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
}

export interface OracleTerm {
  guaranteeId: string;
  metric: string;
  channel: string | null;
  drugType: string | null;
  guaranteedValue: string;
  method: string;
  exclusions: string[];
  offsetGroup: string | null;
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
    }
  >;
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

export function oracleReconcile(
  all: OracleClaim[],
  terms: OracleTerm[],
  clientId: string,
  start: string,
  end: string,
): OracleResult {
  const reversed = new Set(
    all
      .filter(
        (c) => c.clientId === clientId && c.isReversal && c.reversesClaimId,
      )
      .map((c) => c.reversesClaimId),
  );
  const net = all.filter(
    (c) =>
      c.clientId === clientId &&
      !c.isReversal &&
      c.fillDate >= start &&
      c.fillDate <= end &&
      !reversed.has(c.claimId),
  );
  const excluded = (c: OracleClaim, ex: string[]) =>
    (ex.includes('uc_priced') && c.isUcPriced) ||
    (ex.includes('compound') && c.isCompound) ||
    (ex.includes('340b') && c.is340b);

  const buckets = new Map<
    string,
    {
      claimCount: number;
      awp: string;
      ingredientCostPaid: string;
      dispensingFeePaid: string;
      variance: string;
      shortfall: string;
    }
  >();
  const variances = new Map<string, bigint>();
  let perClaimShortfall = 0n;
  const feeFindings: Array<{ kind: string; claimId: string; impact: string }> =
    [];
  for (const t of [...terms].sort((a, b) =>
    a.guaranteeId < b.guaranteeId ? -1 : 1,
  )) {
    let n = 0;
    let awp = 0n;
    let ic = 0n;
    let fee = 0n;
    let excess = 0n;
    for (const c of net) {
      if (t.channel !== null && c.channel !== t.channel) continue;
      if (t.drugType !== null && c.drugType !== t.drugType) continue;
      if (excluded(c, t.exclusions)) continue;
      n++;
      awp += cents(c.awp);
      ic += cents(c.ingredientCostPaid);
      fee += cents(c.dispensingFeePaid);
      if (t.metric === 'dispensing_fee' && t.method === 'per_claim') {
        const over =
          cents(c.dispensingFeePaid) * 10_000n - micro(t.guaranteedValue);
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
    }
    let v = 0n;
    let shortfall = 0n;
    if (t.metric === 'awp_discount') {
      v = micro(t.guaranteedValue) * awp - (awp - ic) * 1_000_000n;
      shortfall = v > 0n ? round(v, 1_000_000n) : 0n;
    } else if (t.metric === 'dispensing_fee') {
      v = fee * 1_000_000n - micro(t.guaranteedValue) * 100n * BigInt(n);
      shortfall =
        t.method === 'per_claim' ? excess : v > 0n ? round(v, 1_000_000n) : 0n;
      if (t.method === 'per_claim') perClaimShortfall += excess;
    }
    buckets.set(t.guaranteeId, {
      claimCount: n,
      awp: money(awp),
      ingredientCostPaid: money(ic),
      dispensingFeePaid: money(fee),
      variance: money(
        t.metric === 'rebate_per_brand_claim' ? 0n : round(v, 1_000_000n),
      ),
      shortfall: money(shortfall),
    });
    if (t.metric !== 'rebate_per_brand_claim' && t.method !== 'per_claim') {
      const key = t.offsetGroup
        ? `group:${t.offsetGroup}`
        : `term:${t.guaranteeId}`;
      variances.set(key, (variances.get(key) ?? 0n) + v);
    }
  }
  const findings: Array<{
    kind: string;
    claimId: string | null;
    impact: string;
  }> = [];
  let owed = perClaimShortfall;
  for (const [key, v] of [...variances].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const o = v > 0n ? round(v, 1_000_000n) : 0n;
    if (o > 0n) {
      owed += o;
      findings.push({
        kind: 'guarantee_shortfall',
        claimId: null,
        impact: money(o),
      });
      void key;
    }
  }

  // Audit: one finding per claim, first match wins; fees above the contract are capped out.
  const feeTerm = new Map(
    terms
      .filter((t) => t.metric === 'dispensing_fee' && t.method === 'per_claim')
      .map((t) => [t.channel, t]),
  );
  const seen = new Map<string, string>();
  let auditImpact = 0n;
  const sorted = [...net].sort((a, b) => (a.claimId < b.claimId ? -1 : 1));
  for (const c of sorted) {
    const key = `${c.memberId}|${c.ndc}|${c.fillDate}|${c.pharmacyNpi}`;
    const duplicate = seen.has(key);
    if (!duplicate) seen.set(key, c.claimId);
    const term = feeTerm.get(c.channel) ?? feeTerm.get(null);
    const feePaid = cents(c.dispensingFeePaid);
    const contract = term ? round(micro(term.guaranteedValue), 10_000n) : null;
    const capped = contract === null || feePaid < contract ? feePaid : contract;
    const ic = cents(c.ingredientCostPaid);
    let kind: string | null = null;
    let impact = 0n;
    if (duplicate) {
      kind = 'duplicate_fill';
      impact = ic + capped;
    } else if (!c.isUcPriced && ic + capped > cents(c.usualAndCustomary)) {
      kind = 'paid_above_uc';
      impact = ic + capped - cents(c.usualAndCustomary);
    } else if (ic > cents(c.awp)) {
      kind = 'ingredient_above_awp';
      impact = ic - cents(c.awp);
    } else if (
      (c.channel === 'retail90' || c.channel === 'mail') &&
      c.daysSupply < 84
    ) {
      kind = 'short_days_supply_90';
      impact = capped;
    }
    if (kind) {
      findings.push({ kind, claimId: c.claimId, impact: money(impact) });
      auditImpact += impact;
    }
  }
  findings.push(...feeFindings);
  return {
    buckets,
    guaranteeShortfall: money(owed),
    auditImpact: money(auditImpact),
    claimCount: net.length,
    excludedClaimCount: net.filter(
      (c) => c.isUcPriced || c.isCompound || c.is340b,
    ).length,
    findings,
  };
}
