import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import type { FindingKind, OwedCategory } from '@leaf/contracts';
import { labelOf } from './labels';

/** One line of the owed table: a finding kind, a category's subtotal, or the total owed. */
export interface OwedLine {
  readonly role: 'kind' | 'subtotal' | 'total';
  /** The finding kind of a `kind` line; null for subtotals and the total. */
  readonly kind: FindingKind | null;
  readonly label: string;
  readonly category: OwedCategory | null;
  readonly count: number | null;
  readonly impact: string;
}

export const categoryLabels: Readonly<Record<OwedCategory, string>> = {
  guarantee: 'Guarantee shortfall',
  audit: 'Audit findings',
};

/** Within the guarantee category the kinds name the kind of term, not the category again. */
const kindLabels: Partial<Record<FindingKind, string>> = {
  guarantee_shortfall: 'Aggregate terms, after offsets',
  fee_above_contract: 'Per-claim fee ceiling: fee above contract',
};

/**
 * The owed figures as the workbook and the PDF both lay them out: each category's kinds, then
 * its subtotal (the summary's figure, never re-added here), then the total owed.
 */
export function owedLines(report: ReconciliationReport): OwedLine[] {
  const { summary } = report;
  const lines: OwedLine[] = [];
  const figure: Record<OwedCategory, string> = {
    guarantee: summary.guaranteeShortfall,
    audit: summary.auditImpact,
  };
  for (const category of ['guarantee', 'audit'] as const) {
    const kinds = report.findingTotals.filter((t) => t.category === category);
    for (const t of kinds)
      lines.push({
        role: 'kind',
        kind: t.kind,
        label: kindLabels[t.kind] ?? labelOf(t.kind),
        category,
        count: t.count,
        impact: t.impact,
      });
    lines.push({
      role: 'subtotal',
      kind: null,
      label: categoryLabels[category],
      category,
      count: kinds.reduce((n, t) => n + t.count, 0),
      impact: figure[category],
    });
  }
  lines.push({
    role: 'total',
    kind: null,
    label: 'Total owed',
    category: null,
    count: null,
    impact: summary.totalOwed,
  });
  return lines;
}
