import type { Alignment, Fill, Font } from 'exceljs';

/** Number formats a finance reader expects: negative money in red, discounts as percentages. */
export const currencyFormat = '"$"#,##0.00;[Red]-"$"#,##0.00';
export const percentFormat = '0.00%';
export const countFormat = '#,##0';

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
