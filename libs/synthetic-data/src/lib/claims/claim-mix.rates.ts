/**
 * The shape of the claim stream. Shares are of all claim rows unless noted; anomalies are a few
 * per 10,000 so audit checks have something to find without drowning the normal book.
 */
export const claimMix = {
  /** Cumulative channel split by count: retail30 70%, retail90 12%, mail 10%, specialty 8%. */
  channelCumulative: [0.7, 0.82, 0.92, 1] as const,
  /** Brand share within each channel; about 18% of all claims overall. */
  brandShareByChannel: [0.12, 0.12, 0.18, 0.85] as const,
  reversal: 0.02,
  /** Compounds are filled at retail (82% of claims): 0.6% of those is about 0.5% overall. */
  compoundAtRetail: 0.006,
  /** 340B contract pharmacies exist at retail and specialty, not mail: about 1% overall. */
  is340bOutsideMail: 0.011,
  /** U&C wins on cheap generics (about 82% of claims): about 3% overall. */
  ucPricedGeneric: 0.036,
  /** Share of retail fills paid a little under the contracted fee. */
  feeBelowContract: 0.2,
  anomaly: {
    duplicateFill: 0.0003,
    paidAboveUc: 0.0004,
    ingredientCostAboveAwp: 0.0003,
    /** Of 90-day-channel claims (22% of rows): about 3 per 10k rows. */
    shortSupplyIn90DayChannel: 0.0015,
  },
  /** Per-claim spread of the achieved discount around the bucket's average, in basis points. */
  discountJitterBp: { brand: 100, generic: 400 },
  /** Recent claims per client that a reversal or duplicate can refer back to. */
  recentWindow: 64,
} as const;
