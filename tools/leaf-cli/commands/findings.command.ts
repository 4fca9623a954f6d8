import type { Finding } from '@leaf/contracts';
import type { Command } from '../leaf-cli.args';
import { linkedFindingPageSchema } from '../leaf-api.schemas';
import { csvHeader, csvRows, formatMoney, formatTable, type Column } from '../output.format';
import { printJson, type CommandContext } from './command.context';
import { pages } from './paging';
import { runPath } from './reconcile.command';

const evidence = (f: Finding) => f.evidence.map((e) => `${e.sourceSystem}:${e.objectId}@${e.locator}`).join(' ');

const csvColumns: Column<Finding>[] = [
  { header: 'finding_id', value: (f) => f.findingId },
  { header: 'kind', value: (f) => f.kind },
  { header: 'claim_id', value: (f) => f.claimId },
  { header: 'guarantee_id', value: (f) => f.guaranteeId },
  { header: 'channel', value: (f) => f.channel },
  { header: 'drug_type', value: (f) => f.drugType },
  { header: 'impact', value: (f) => f.impact },
  { header: 'claim_count', value: (f) => f.claimCount },
  { header: 'detail', value: (f) => f.detail },
  { header: 'evidence', value: evidence },
];

const tableColumns: Column<Finding>[] = [
  { header: 'FINDING', value: (f) => f.findingId },
  { header: 'KIND', value: (f) => f.kind },
  { header: 'CLAIM', value: (f) => f.claimId },
  { header: 'GUARANTEE', value: (f) => f.guaranteeId },
  { header: 'CHANNEL', value: (f) => f.channel },
  { header: 'DRUG', value: (f) => f.drugType },
  { header: 'IMPACT', value: (f) => formatMoney(f.impact), align: 'right' },
  { header: 'CLAIMS', value: (f) => f.claimCount, align: 'right' },
  { header: 'DETAIL', value: (f) => f.detail, max: 70 },
];

/** Exact: money strings summed as integer cents. */
const totalOf = (items: readonly Finding[]) => {
  const cents = items.reduce((sum, f) => sum + BigInt(f.impact.replace('.', '')), 0n);
  const sign = cents < 0n ? '-' : '';
  const abs = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
};

/**
 * `findings list`: every page, following `nextLink` as the gateway gives it. CSV is written page
 * by page (a large run never sits in memory); the table and JSON need every row first.
 */
export async function listFindings(ctx: CommandContext, cmd: Extract<Command, { name: 'findings list' }>): Promise<void> {
  const query = new URLSearchParams({
    limit: String(cmd.pageSize),
    ...(cmd.kind ? { kind: cmd.kind } : {}),
  });
  const first = `${runPath(cmd.clientId, cmd.runId)}/findings?${query}`;
  const streamCsv = cmd.format === 'csv' && !ctx.json;
  if (streamCsv) ctx.io.out(csvHeader(csvColumns));
  const items: Finding[] = [];
  for await (const page of pages(ctx, first, linkedFindingPageSchema)) {
    if (streamCsv) ctx.io.out(csvRows(page, csvColumns));
    else items.push(...page);
  }
  if (ctx.json) return printJson(ctx, { items });
  if (streamCsv) return;
  if (items.length === 0) {
    ctx.io.out(`no findings${cmd.kind ? ` of kind ${cmd.kind}` : ''}\n`);
    return;
  }
  ctx.io.out(formatTable(items, tableColumns));
  ctx.io.out(`${items.length} findings, impact ${formatMoney(totalOf(items))}\n`);
}
