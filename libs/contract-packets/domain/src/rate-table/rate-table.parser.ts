import type { ExtractedCell, ExtractedDocument, ExtractedLine } from '../extraction/extracted-document';
import type { CandidateTerm, PacketIssue, PacketKind, ParsedPacket } from './candidate-term';
import { channelOf, dollarsOf, drugTypeOf, exclusionsOf, isExplicitlyAbsent, metricOf, percentToFraction } from './rate-labels';

/**
 * Text-only lines (PDF text runs merged by the author, DOCX paragraphs) are split into cells on
 * tabs, pipes or runs of spaces, the way rate tables are typed when they are not real tables.
 */
function cellsOf(line: ExtractedLine): ExtractedCell[] {
  const cells = line.cells.filter((c) => c.text.trim() !== '');
  if (cells.length !== 1) return cells.map((c) => ({ locator: c.locator, text: c.text.trim() }));
  const [only] = cells;
  return only.text
    .split(/\t|\s\|\s|\s{2,}/)
    .map((text) => ({ locator: only.locator, text: text.trim() }))
    .filter((c) => c.text !== '');
}

type HeaderKey = 'client' | 'period' | 'document' | 'term';
const headerKeys: ReadonlyArray<[RegExp, HeaderKey]> = [
  [/^client( id)?:?$/i, 'client'],
  [/^contract period:?$/i, 'period'],
  [/^document:?$/i, 'document'],
  [/^(term|effective( dates?)?):?$/i, 'term'],
];

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (s: string) => isoDate.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/**
 * `2025-07-01 to 2025-12-31`, `2025-07-01 through 2025-12-31`, `from 2025-07-01`, `until 2025-06-30`:
 * the dates a term is in force. Undefined when the text is not a range at all.
 */
export function effectiveRangeOf(text: string): { from: string | null; to: string | null } | undefined {
  const t = text.trim().replace(/\s+/g, ' ');
  const both = /^(?:from )?(\S+) (?:to|through|-|–) (\S+)$/i.exec(t);
  const from = /^(?:from|effective|starting) (\S+)$/i.exec(t);
  const until = /^(?:until|through|to) (\S+)$/i.exec(t);
  const range = both ? { from: both[1], to: both[2] } : from ? { from: from[1], to: null } : until ? { from: null, to: until[1] } : undefined;
  if (!range) return undefined;
  if ((range.from !== null && !realDate(range.from)) || (range.to !== null && !realDate(range.to))) return undefined;
  if (range.from !== null && range.to !== null && range.from > range.to) return undefined;
  return range;
}

function headerOf(cells: ExtractedCell[]): { key: HeaderKey; value: string } | null {
  if (cells.length === 0) return null;
  let [first, second] = [cells[0].text, cells[1]?.text];
  // "Client: acme" in one cell.
  const inline = /^([^:]+):\s*(.+)$/.exec(first);
  if (cells.length === 1 && inline) [first, second] = [`${inline[1]}:`, inline[2]];
  const key = headerKeys.find(([re]) => re.test(first.trim()))?.[1];
  return key && second ? { key, value: second.trim() } : null;
}

const isTableHeader = (cells: ExtractedCell[]) => cells.length >= 4 && /^metric$/i.test(cells[0].text) && /^channel$/i.test(cells[1].text);

const methodOf = (metric: CandidateTerm['metric']): CandidateTerm['method'] => (metric === 'dispensing_fee' ? 'per_claim' : 'aggregate');

/**
 * Reads a packet's rate table deterministically: header facts (document kind, client, contract
 * period), then every row under a `Metric | Channel | Drug type | Guarantee | Exclusions` header
 * as a candidate term citing the cell it came from. Nothing is guessed: a row it cannot read is
 * an issue with its locator, never a silently skipped or defaulted term.
 */
export function parseRateTable(doc: ExtractedDocument): ParsedPacket {
  const issues: PacketIssue[] = [];
  const terms: CandidateTerm[] = [];
  let kind: PacketKind = 'rate-schedule';
  let clientId: string | null = null;
  let periodId: string | null = null;
  let inTable = false;
  // The document's own Term; it dates the terms of an amendment (a schedule's Term is its period).
  let documentTerm: { from: string | null; to: string | null } | null = null;
  let effectiveColumn = -1;

  for (const unit of doc.units) {
    for (const line of unit.lines) {
      const cells = cellsOf(line);
      if (cells.length === 0) continue;
      const header = headerOf(cells);
      if (header) {
        if (header.key === 'client') clientId ??= header.value;
        if (header.key === 'period') periodId ??= header.value;
        if (header.key === 'document' && /amendment/i.test(header.value)) kind = 'amendment';
        if (header.key === 'term' && !documentTerm) {
          documentTerm = effectiveRangeOf(header.value) ?? null;
          if (!documentTerm)
            issues.push({
              code: 'unparseable-value',
              message: `"${header.value}" is not a range of dates (YYYY-MM-DD to YYYY-MM-DD)`,
              locator: cells[0].locator,
            });
        }
        continue;
      }
      if (isTableHeader(cells)) {
        inTable = true;
        // An optional Effective column dates each row on its own.
        effectiveColumn = cells.findIndex((c, i) => i >= 4 && /^effective( dates?)?$|^term$/i.test(c.text.trim()));
        continue;
      }
      if (!inTable) continue;
      const metric = metricOf(cells[0].text);
      if (!metric) {
        // A table ends at the first row that is not a term (notes, signatures).
        inTable = false;
        continue;
      }
      const row = cells.map((c) => c.text).join(' | ');
      const [, channelCell, drugCell, valueCell] = cells;
      const exclusionsCell = effectiveColumn === 4 ? undefined : cells[4];
      const effectiveCell = effectiveColumn > 0 ? cells[effectiveColumn] : undefined;
      const channel = channelCell ? channelOf(channelCell.text) : null;
      const drugType = drugCell ? drugTypeOf(drugCell.text) : undefined;
      if (!channel || drugType === undefined || !valueCell) {
        issues.push({ code: 'unknown-label', message: `cannot read the term row "${row}"`, locator: (channelCell ?? cells[0]).locator });
        continue;
      }
      let value: string | null;
      if (isExplicitlyAbsent(valueCell.text)) value = null;
      else {
        value = metric === 'awp_discount' ? percentToFraction(valueCell.text) : dollarsOf(valueCell.text);
        if (value === null) {
          issues.push({
            code: 'unparseable-value',
            message: `"${valueCell.text}" is not a ${metric === 'awp_discount' ? 'percentage' : 'dollar amount'}`,
            locator: valueCell.locator,
          });
          continue;
        }
      }
      const exclusions = value === null ? [] : exclusionsOf(exclusionsCell?.text ?? '');
      if (exclusions === null) {
        issues.push({
          code: 'unknown-label',
          message: `unknown exclusion in "${exclusionsCell?.text}"`,
          locator: exclusionsCell?.locator ?? valueCell.locator,
        });
        continue;
      }
      let effective = kind === 'amendment' ? documentTerm : null;
      if (effectiveCell && effectiveCell.text.trim() !== '') {
        const own = effectiveRangeOf(effectiveCell.text);
        if (!own) {
          issues.push({
            code: 'unparseable-value',
            message: `"${effectiveCell.text}" is not a range of dates (YYYY-MM-DD to YYYY-MM-DD)`,
            locator: effectiveCell.locator,
          });
          continue;
        }
        effective = own;
      }
      terms.push({
        metric,
        channel,
        drugType,
        value,
        method: methodOf(metric),
        exclusions,
        locator: valueCell.locator,
        sourceText: row,
        effectiveFrom: effective?.from ?? null,
        effectiveTo: effective?.to ?? null,
      });
    }
  }

  if (terms.length === 0 && issues.length === 0) {
    issues.push({ code: 'rate-table-missing', message: 'no rate table (Metric | Channel | Drug type | Guarantee | Exclusions) was found' });
  }
  if (!clientId) issues.push({ code: 'header-missing', message: 'the packet does not name its client' });
  if (!periodId) issues.push({ code: 'header-missing', message: 'the packet does not name its contract period' });
  return { kind, clientId, periodId, terms, issues };
}
