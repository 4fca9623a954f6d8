import type { SearchChunk, SearchDocumentV1 } from '@leaf/contracts';

/** A prose chunk's target length: a paragraph or two, small enough to cite, large enough to mean something. */
const proseChunkChars = 1_200;
const maxChunks = 5_000;

/**
 * Splits a document into the chunks that are indexed, each with a locator a reader can follow.
 *
 * * The publisher's own `chunks` win (they know the page or cell: `Rates!C7`, `note:00X…`).
 * * Otherwise the text is split by its shape: units are separated by a blank line (a page of a
 *   PDF, a sheet of a workbook); a line of tab-separated cells is a table row and becomes its own
 *   chunk with the unit's header row carried in (`Metric: AWP discount; Channel: Specialty; …`),
 *   so a rate row is found by the words of its column names; other lines are gathered into
 *   prose chunks of about 1,200 characters. Locators are `u<unit>:r<line>` for a row and
 *   `u<unit>:l<first>-<last>` for prose, under the document's own locator when it has one unit.
 * * `finding-summary`, `request-body`, `note`, `feed` and `comparison` are short: prose rules.
 */
export function chunkDocument(doc: Pick<SearchDocumentV1, 'text' | 'chunks' | 'locator' | 'kind'>): SearchChunk[] {
  if (doc.chunks?.length) return doc.chunks.slice(0, maxChunks);
  const units = doc.text.split(/\n\s*\n/).map((u) => u.split('\n'));
  const chunks: SearchChunk[] = [];
  const single = units.length === 1;
  units.forEach((lines, u) => {
    const unit = single ? doc.locator : `u${u + 1}`;
    let header: string[] | null = null;
    let prose: { from: number; to: number; text: string[] } | null = null;
    const flush = () => {
      if (prose && prose.text.join(' ').trim())
        chunks.push({ locator: `${unit}:l${prose.from}-${prose.to}`, text: prose.text.join('\n').trim().slice(0, 20_000) });
      prose = null;
    };
    lines.forEach((line, i) => {
      const n = i + 1;
      const cells = line.split('\t').map((c) => c.trim());
      const tabular = doc.kind !== 'finding-summary' && cells.length >= 2 && cells.filter(Boolean).length >= 2;
      if (tabular) {
        flush();
        if (!header) {
          header = cells;
          return;
        }
        const named = cells.map((c, j) => (header?.[j] ? `${header[j]}: ${c}` : c)).filter((c) => !/:\s*$/.test(c));
        chunks.push({ locator: `${unit}:r${n}`, text: named.join('; ').slice(0, 20_000) });
        return;
      }
      if (!line.trim()) return;
      if (prose && prose.text.join('\n').length + line.length > proseChunkChars) flush();
      prose ??= { from: n, to: n, text: [] };
      prose.to = n;
      prose.text.push(line);
    });
    flush();
    // A header row with no rows under it is still text worth finding.
    if (header && !chunks.some((c) => c.locator.startsWith(`${unit}:`))) chunks.push({ locator: `${unit}:r1`, text: (header as string[]).join('; ') });
  });
  if (!chunks.length && doc.text.trim()) chunks.push({ locator: doc.locator, text: doc.text.trim().slice(0, 20_000) });
  return chunks.slice(0, maxChunks);
}
