import type { Writable } from 'node:stream';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';

/** The two client deliverables, rendered from the report model (pure: same model, same bytes). */
export interface ReportRenderers {
  workbook(report: ReconciliationReport, out: Writable): Promise<void>;
  pdf(report: ReconciliationReport): Promise<Buffer>;
}

export const REPORT_RENDERERS = Symbol.for('leaf.claims-runtime.ReportRenderers');
