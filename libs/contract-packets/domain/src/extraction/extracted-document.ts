/** Formats the extractors read; anything else is rejected before extraction. */
export const packetFormats = ['pdf', 'xlsx', 'docx'] as const;
export type PacketFormat = (typeof packetFormats)[number];

/** One cell of text and where it sits: `Rates!C7` in a workbook, `p3` on a PDF page, `para12` in a document. */
export interface ExtractedCell {
  readonly locator: string;
  readonly text: string;
}

/** A row of a sheet, a line of a page (cells left to right), a paragraph of a document. */
export interface ExtractedLine {
  readonly locator: string;
  readonly cells: readonly ExtractedCell[];
}

/** A page of a PDF, a sheet of a workbook, the body of a document. */
export interface ExtractedUnit {
  readonly kind: 'page' | 'sheet' | 'body';
  readonly locator: string;
  readonly lines: readonly ExtractedLine[];
}

export interface ExtractedDocument {
  readonly format: PacketFormat;
  readonly units: readonly ExtractedUnit[];
}

/** Plain text of a document (for search documents): one line per line, cells tab-separated. */
export function documentText(doc: ExtractedDocument): string {
  return doc.units.map((u) => u.lines.map((l) => l.cells.map((c) => c.text).join('\t')).join('\n')).join('\n\n');
}

export function formatOfName(name: string): PacketFormat | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return (packetFormats as readonly string[]).includes(ext) ? (ext as PacketFormat) : null;
}
