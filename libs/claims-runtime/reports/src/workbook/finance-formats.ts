import type { Alignment, Fill, Font } from 'exceljs';

/** Number formats a finance reader expects: negative money in red, discounts as percentages. */
export const currencyFormat = '"$"#,##0.00;[Red]-"$"#,##0.00';
export const percentFormat = '0.00%';
export const countFormat = '#,##0';

/** Money to `places` (at least the cent), negative in red. */
export const currencyFormatAt = (places: number) => {
  const digits = '0'.repeat(Math.max(2, places));
  return `"$"#,##0.${digits};[Red]-"$"#,##0.${digits}`;
};
/** A term's rate as the PDF prints it: to the precision the term states, never under two places. */
export function termFormat(metric: string, rule: string): string {
  const places = rule.split('.')[1]?.length ?? 0;
  return metric === 'awp_discount' ? `0.${'0'.repeat(Math.max(2, places - 2))}%` : currencyFormatAt(places);
}
/** Prose columns (notes, details, methodology) wrap instead of running into the next cell. */
export const wrapAlignment: Partial<Alignment> = {
  vertical: 'top',
  wrapText: true,
};

export const headerFont: Partial<Font> = {
  bold: true,
  color: { argb: 'FFFFFFFF' },
};
export const headerFill: Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FF1F4E79' },
};
export const headerAlignment: Partial<Alignment> = {
  vertical: 'middle',
  wrapText: true,
};
export const totalFont: Partial<Font> = { bold: true };
export const sectionFont: Partial<Font> = {
  bold: true,
  color: { argb: 'FF1F4E79' },
};
