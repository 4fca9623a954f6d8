import type { Provider } from '@nestjs/common';
import { writeReconciliationWorkbook } from '@leaf/claims-runtime/reports';
import * as reports from '@leaf/claims-runtime/reports';
import { REPORT_RENDERERS, type ReportRenderers } from './report-renderers';

export const reportRenderers: ReportRenderers = {
  workbook: (report, out) => writeReconciliationWorkbook(report, out),
  pdf: (report) =>
    (
      reports as unknown as { renderReconciliationPdf: ReportRenderers['pdf'] }
    ).renderReconciliationPdf(report),
};

export const reportRenderersProvider: Provider = {
  provide: REPORT_RENDERERS,
  useValue: reportRenderers,
};
