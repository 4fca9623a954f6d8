/** Letter, with the margins and type a printed finance report uses. */
export const page = {
  size: 'LETTER' as const,
  width: 612,
  height: 792,
  margin: 54,
};
export const contentWidth = page.width - 2 * page.margin;
/** Lowest y body content may reach; the footer sits below it. */
export const contentBottom = page.height - page.margin - 14;

export const fonts = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  mono: 'Courier',
} as const;

export const colours = {
  ink: '#1A1A1A',
  muted: '#5F6B7A',
  rule: '#C9D1DB',
  band: '#F2F5F9',
  header: '#1F4E79',
  guaranteed: '#1F4E79',
  effective: '#E07B39',
  owed: '#B42318',
} as const;
