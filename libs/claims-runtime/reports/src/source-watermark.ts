import { formatCount } from '@leaf/contracts';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';

/**
 * The claims source watermark a run recorded (`claims=412345;maxFill=2025-12-31;maxId=CLM…`) as a
 * reader says it: how many claim rows the source held, the latest fill date and the highest claim
 * id. A watermark in another shape is shown as recorded rather than guessed at.
 */
export function describeWatermark(asOf: ReconciliationReport['asOf']): string {
  const fields = new Map(
    asOf.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const rows = fields.get('claims');
  const maxFill = fields.get('maxFill');
  const maxId = fields.get('maxId');
  if (!rows || !/^\d+$/.test(rows) || maxFill === undefined || maxId === undefined) return `claims source as recorded: ${asOf}`;
  const latest = maxFill === '-' ? 'no fills' : `latest fill ${maxFill}`;
  const highest = maxId === '-' ? 'no claim id' : `highest claim id ${maxId}`;
  return `${formatCount(Number(rows))} claim rows in the source, ${latest}, ${highest}`;
}
