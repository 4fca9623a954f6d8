import { channels, type Channel, type Claim } from '@leaf/contracts';
import type { DrugProduct } from '../catalogue/drug-catalogue.builder';
import { divideRounded, formatCents, formatMilli } from '../money/fixed-point.format';
import { createPrng, deriveSeed } from '../random/mulberry32.prng';
import { bucketIndex } from '../plan/pricing-buckets';
import { prngStreams, type SeedPlan } from '../plan/seed-plan.builder';
import { claimMix } from './claim-mix.rates';
import { auditDetailMix, drawAuditDetail, retailTypeOf } from './claim-audit-detail';

/** A reversal repeats its original with every amount negated, so any sum nets the pair to zero. */
function negate(money: string): string {
  if (money.startsWith('-')) return money.slice(1);
  return money === '0.00' ? money : `-${money}`;
}

function reversalOf(original: Claim, claimId: string): Claim {
  return {
    ...original,
    claimId,
    awp: negate(original.awp),
    ingredientCostPaid: negate(original.ingredientCostPaid),
    dispensingFeePaid: negate(original.dispensingFeePaid),
    usualAndCustomary: negate(original.usualAndCustomary),
    pharmacyIngredientCostPaid: negate(original.pharmacyIngredientCostPaid),
    patientPayAmount: negate(original.patientPayAmount),
    isReversal: true,
    reversesClaimId: original.claimId,
  };
}

/** Three times an amount of money or a quantity, in the same fixed-point text. */
function tripled(fixed: string): string {
  const places = fixed.length - fixed.indexOf('.') - 1;
  const units = BigInt(fixed.replace('.', '')) * 3n;
  const text = units.toString().padStart(places + 1, '0');
  return `${text.slice(0, -places)}.${text.slice(-places)}`;
}

/**
 * The same fill billed for three times the days: the quantity and every ingredient figure with it,
 * AWP priced again from the unit price (`awpCents`), as every claim's is.
 */
function asNinetyDayFill(claim: Claim, awpCents: number): Claim {
  return {
    ...claim,
    daysSupply: claim.daysSupply * 3,
    quantity: tripled(claim.quantity),
    awp: formatCents(awpCents),
    ingredientCostPaid: tripled(claim.ingredientCostPaid),
    usualAndCustomary: tripled(claim.usualAndCustomary),
    pharmacyIngredientCostPaid: tripled(claim.pharmacyIngredientCostPaid),
  };
}

/**
 * The claim stream of a plan, row by row: never materialised, so 10M claims cost the memory of
 * one. Rows are in fill-date order except reversals and duplicate fills, which repeat the fill
 * date of the claim they refer to. Every figure is integer cents until it becomes a string.
 */
export function* generateClaims(plan: SeedPlan): Generator<Claim, void, undefined> {
  const { claims: total } = plan.options;
  const prng = createPrng(deriveSeed(plan.options.seed, prngStreams.claims));
  const { next, int, between } = prng;
  // The audit detail draws from its own stream: the fields above it are what they always were.
  const detailPrng = createPrng(deriveSeed(plan.options.seed, prngStreams.claimDetail));
  const { profiles, dates, datePeriod, drugs, pharmacies } = plan;
  const dayCount = dates.length;

  let memberTotal = 0;
  const cumulativeMembers = profiles.map((p) => (memberTotal += p.client.memberCount));
  const pickProfile = (u: number): number => {
    const target = u * memberTotal;
    let i = 0;
    while (i < cumulativeMembers.length - 1 && (cumulativeMembers[i] as number) <= target) i++;
    return i;
  };

  // Pools per bucket (channel x brand/generic): short courses are never 90-day fills.
  const pools: (readonly DrugProduct[])[] = [
    drugs.retailBrand,
    drugs.retailGeneric,
    drugs.maintenanceBrand,
    drugs.maintenanceGeneric,
    drugs.maintenanceBrand,
    drugs.maintenanceGeneric,
    drugs.specialtyBrand,
    drugs.specialtyGeneric,
  ];
  const pharmacyPools = [pharmacies.retail, pharmacies.retail, pharmacies.mail, pharmacies.specialty];
  const window = claimMix.recentWindow;
  const recent: (Claim | undefined)[][] = profiles.map(() => new Array<Claim | undefined>(window));
  const reversed: Uint8Array[] = profiles.map(() => new Uint8Array(window));
  const cursor = new Uint32Array(profiles.length);
  const remember = (p: number, claim: Claim) => {
    const slot = (cursor[p] as number) % window;
    (recent[p] as (Claim | undefined)[])[slot] = claim;
    (reversed[p] as Uint8Array)[slot] = 0;
    cursor[p] = slot + 1;
  };
  const [ch0, ch1, ch2] = claimMix.channelCumulative;

  for (let i = 0; i < total; i++) {
    const claimId = `C${`${i + 1}`.padStart(10, '0')}`;
    const p = pickProfile(next());
    const profile = profiles[p] as (typeof profiles)[number];

    const roll = next();
    if (roll < claimMix.reversal + claimMix.anomaly.duplicateFill) {
      const slot = int(window);
      const earlier = (recent[p] as (Claim | undefined)[])[slot];
      if (earlier !== undefined && roll < claimMix.reversal) {
        if ((reversed[p] as Uint8Array)[slot] === 0) {
          (reversed[p] as Uint8Array)[slot] = 1;
          yield reversalOf(earlier, claimId);
          continue;
        }
      } else if (earlier !== undefined) {
        // Same member, NDC, fill date and pharmacy billed twice: a duplicate an audit must catch.
        const duplicate: Claim = { ...earlier, claimId };
        remember(p, duplicate);
        yield duplicate;
        continue;
      }
    }

    const day = Math.floor((i * dayCount) / total);
    const pricing = profile.periods[datePeriod[day] as number] as (typeof profile.periods)[number];
    const u = next();
    const c = u < ch0 ? 0 : u < ch1 ? 1 : u < ch2 ? 2 : 3;
    const channel = channels[c] as Channel;
    const brand = next() < (claimMix.brandShareByChannel[c] as number);
    const bucket = bucketIndex(c, brand ? 0 : 1);
    const pool = pools[bucket] as readonly DrugProduct[];
    const skew = next();
    // Squaring a uniform draw puts most fills on the head of the pool, as real utilisation does.
    const drug = pool[Math.floor(skew * skew * pool.length)] as DrugProduct;
    const pharmacyPool = pharmacyPools[c] as readonly string[];
    const pharmacyNpi = pharmacyPool[int(pharmacyPool.length)] as string;

    let daysSupply: number;
    if (c === 0) daysSupply = drug.acuteDays > 0 ? drug.acuteDays : next() < 0.9 ? 30 : 28;
    else if (c === 3) daysSupply = next() < 0.5 ? 28 : 30;
    else daysSupply = next() < claimMix.anomaly.shortSupplyIn90DayChannel ? 30 : 90;
    const quantityMilli = drug.pack ? drug.perMonthMilli * (daysSupply >= 84 ? 3 : 1) : divideRounded(drug.perMonthMilli * daysSupply, 30);

    const awp = divideRounded(drug.unitAwpMicro * quantityMilli, 1_000_000);
    const jitter = brand ? claimMix.discountJitterBp.brand : claimMix.discountJitterBp.generic;
    const discountBp = (pricing.achievedAwpBp[bucket] as number) + between(-jitter, jitter);
    let ingredientCost =
      next() < claimMix.anomaly.ingredientCostAboveAwp ? divideRounded(awp * between(1020, 1100), 1000) : divideRounded(awp * (10_000 - discountBp), 10_000);

    const contractFee = pricing.feeCents[c] as number;
    const surcharge = c === 0 || c === 1 ? pharmacies.surchargeCents.get(pharmacyNpi) : undefined;
    let fee = contractFee;
    if (surcharge !== undefined) fee = contractFee + surcharge;
    else if (c <= 1 && contractFee > 0 && next() < claimMix.feeBelowContract) fee = Math.max(0, contractFee - between(1, 4) * 5);

    const isCompound = c <= 1 && next() < claimMix.compoundAtRetail;
    const is340b = c !== 2 && next() < claimMix.is340bOutsideMail;
    const paid = ingredientCost + fee;
    let usualAndCustomary: number;
    let isUcPriced = false;
    if (!brand && next() < claimMix.ucPricedGeneric) {
      // The pharmacy's cash price was lower, so the plan pays U&C and no separate fee.
      usualAndCustomary = divideRounded(paid * between(60, 95), 100);
      ingredientCost = usualAndCustomary;
      fee = 0;
      isUcPriced = true;
    } else if (next() < claimMix.anomaly.paidAboveUc) {
      usualAndCustomary = divideRounded(paid * between(80, 97), 100);
    } else {
      usualAndCustomary = divideRounded(paid * (brand ? between(108, 160) : between(110, 320)), 100);
    }

    let claim: Claim = {
      claimId,
      clientId: profile.client.clientId,
      memberId: `${profile.memberPrefix}${`${int(profile.client.memberCount)}`.padStart(7, '0')}`,
      pharmacyNpi,
      fillDate: dates[day] as string,
      ndc: drug.ndc,
      drugName: drug.name,
      drugType: drug.drugType,
      channel,
      daysSupply,
      quantity: formatMilli(quantityMilli),
      awp: formatCents(awp),
      ingredientCostPaid: formatCents(ingredientCost),
      dispensingFeePaid: formatCents(fee),
      usualAndCustomary: formatCents(usualAndCustomary),
      isCompound,
      is340b,
      isReversal: false,
      reversesClaimId: null,
      isUcPriced,
      ...drawAuditDetail(detailPrng, {
        drug,
        channelIndex: c,
        pharmacyNpi,
        fillDate: dates[day] as string,
        ingredientCostCents: ingredientCost,
        isUcPriced,
        isCompound,
      }),
    };
    // An early refill: the member's latest fill of a drug, again, at another pharmacy of the same
    // channel. Decided after every draw of the main stream, so no other claim changes.
    const latest = (recent[p] as (Claim | undefined)[])[((cursor[p] as number) + window - 1) % window];
    if (latest !== undefined && !latest.isReversal && detailPrng.next() < auditDetailMix.refillAtAnotherPharmacy) {
      const pool = pharmacyPools[channels.indexOf(latest.channel)] as readonly string[];
      const elsewhere = pool.filter((npi) => npi !== latest.pharmacyNpi);
      const npi = elsewhere[detailPrng.int(elsewhere.length)];
      if (npi !== undefined)
        claim = {
          ...latest,
          claimId,
          fillDate: claim.fillDate,
          adjudicationDate: claim.fillDate,
          pharmacyNpi: npi,
          pharmacyType: latest.channel === 'retail30' || latest.channel === 'retail90' ? retailTypeOf(npi) : latest.pharmacyType,
        };
    }
    // A 90-day fill billed at a 30-day retail pharmacy: days, quantity and every cost tripled (the
    // fee and the member's pay are per fill). Decided after every draw of the main stream too.
    else if (channel === 'retail30' && claim.daysSupply >= 28 && !claim.isUcPriced && detailPrng.next() < auditDetailMix.ninetyDayFillAtRetail30)
      claim = asNinetyDayFill(claim, divideRounded(drug.unitAwpMicro * quantityMilli * 3, 1_000_000));
    remember(p, claim);
    yield claim;
  }
}
