import type { Provider } from '@nestjs/common';
import { renderReconciliationPdf, writeReconciliationWorkbook } from '@leaf/claims-runtime/reports';
import { REPORT_RENDERERS, type ReportRenderers } from './report-renderers';

export const reportRenderers: ReportRenderers = {
  workbook: (report, out) => writeReconciliationWorkbook(report, out),
  pdf: (report) => renderReconciliationPdf(report),
};

export const reportRenderersProvider: Provider = {
  provide: REPORT_RENDERERS,
  useValue: reportRenderers,
};
