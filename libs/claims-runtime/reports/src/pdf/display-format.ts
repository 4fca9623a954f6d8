/**
 * The report's figures are written by the one shared formatter (half away from zero, exact), so
 * the PDF, the workbook's text and the narrative never round a figure differently.
 */
export { formatCount, formatMoney, formatPercent, formatTerm, formatTermAt } from '@leaf/contracts';
