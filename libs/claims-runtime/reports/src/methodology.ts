import { formatCount, formatMoney, toCents } from '@leaf/contracts';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { describeWatermark } from './source-watermark';

export interface MethodologySection {
  readonly title: string;
  readonly paragraphs: readonly string[];
}

/** `a, b and c`. */
const listOf = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * How the figures were made, in the words a PBM's auditor checks them by: definitions,
 * eligibility and exclusions, the overlap rule, rounding, sources and evidence. The PDF's
 * methodology page and the workbook's Methodology sheet both print exactly these sections, with
 * this run's own counts and amounts where the rule produced one.
 */
export function methodologySections(report: ReconciliationReport): MethodologySection[] {
  const { summary } = report;
  const { deducted, kept } = summary.findingOverlap;
  const terms = [...new Set(report.buckets.map((b) => `${b.guaranteeId} v${b.guaranteeVersion}`))];
  const sources = [...new Set(report.buckets.map((b) => b.evidence.sourceSystem))];
  return [
    {
      title: 'Definitions',
      paragraphs: [
        'Net claim: a paid claim filled in the contract period that is not a reversal and that no reversal undoes, whenever the reversal is dated. Every count in this report is of net claims.',
        "AWP discount: 1 - ingredient cost paid / AWP over the claims a term measures (the effective discount), compared with the discount the term guarantees. Dispensing fee: the average fee paid per claim against the guaranteed fee (aggregate terms), or each claim's fee against the ceiling (per-claim terms). Rebate per brand claim: the guaranteed minimum, the rate times the brand claims.",
        'Variance: (guaranteed - delivered) x the dollars the term is measured on; positive is owed to the client, negative was delivered above the guarantee. Shortfall: a positive variance. Guarantee shortfall: what the terms owe after the offsets the contract allows, plus fees above per-claim ceilings. Audit findings: per-claim findings (duplicate fill, paid above U&C, ingredient cost above AWP, short supply in a 90-day channel). Total owed: guarantee shortfall + audit findings; every finding is in exactly one of the two.',
      ],
    },
    {
      title: 'Eligibility and exclusions',
      paragraphs: [
        `A term measures the net claims of its channel and drug type filled while its version was in force, less the claims its contract excludes (U&C-priced, compound, 340B, as each term states). This run: ${formatCount(summary.claimCount)} net claims, ${formatCount(summary.eligibleClaimCount)} eligible under every exclusion, ${formatCount(summary.excludedClaimCount)} excluded.`,
        'Claims in a channel and drug type that no term guarantees are in the net and eligible figures of the summary but in no bucket: nothing is owed on them. Rebate terms report the guaranteed minimum only; rebates received are settled from the PBM rebate report, which is not in the claims source.',
      ],
    },
    {
      title: 'The overlap rule: no dollar owed twice',
      paragraphs: [
        "A per-claim finding recovers dollars that an aggregate discount or fee term also measured. By default those dollars leave the term before its shortfall is computed: a duplicate fill takes its whole claim out; ingredient cost above AWP comes off the ingredient cost; paid above U&C comes off the ingredient cost first and the fee for any rest; a short 90-day supply and a fee above its ceiling come off the fee. Then the term's effective rate, variance and shortfall are computed on what is left.",
        `This run deducted ${formatMoney(deducted)} of finding dollars from the terms before their shortfall. ` +
          (toCents(kept) > 0n
            ? `Terms whose contract measures every claim as paid keep them: ${formatMoney(kept)} is counted both in those terms and in the findings, by the contract's own rule.`
            : 'No term keeps them, so no dollar is counted both in a term and in a finding.'),
        'Terms in one offset group net their surpluses against their shortfalls before anything is owed; per-claim terms never offset. The bucket tables show, term by term, the claims with findings and the dollars moved.',
      ],
    },
    {
      title: 'Rounding',
      paragraphs: [
        'All arithmetic is exact decimal (integers of cents, or of millionths of a cent for a variance), never floating point. A variance is rounded once, to the cent, half away from zero (0.005 becomes 0.01 and -0.005 becomes -0.01); an offset group nets its unrounded variances before that one rounding.',
        "Money is printed to the cent, half away from zero. A term's rate is printed to the precision the contract states (a fee of $0.975416 prints $0.975416); an effective rate is printed to the precision of the term it is compared with. Each subtotal is the figure of the summary, and the kinds beneath it add up to it to the cent.",
      ],
    },
    {
      title: 'Sources and evidence',
      paragraphs: [
        `Claims: ${describeWatermark(report.asOf)}. Contract terms: ${terms.length === 0 ? 'none in force' : `${formatCount(terms.length)} term versions`}, read from ${sources.length === 0 ? 'no packet' : listOf(sources)}; the appendix gives each term's version, object, locator and sha256, and each bucket names its term.`,
        `Run inputs sha256 ${report.inputsSha256}; code ${report.codeVersion}. The inputs (source mapping, watermark, term versions, every query and its parameters) and every finding with the claim ids behind it are stored content-addressed: running the same inputs again gives byte-identical files.`,
      ],
    },
  ];
}
