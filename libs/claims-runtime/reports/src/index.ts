export { writeReconciliationWorkbook } from './workbook/write-reconciliation-workbook';
export { renderReconciliationPdf } from './pdf/render-reconciliation-pdf';
export { notGuaranteedCells } from './not-guaranteed';
