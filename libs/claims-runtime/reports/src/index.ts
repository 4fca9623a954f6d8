export * from './content-types';
export { writeReconciliationWorkbook } from './workbook/write-reconciliation-workbook';
