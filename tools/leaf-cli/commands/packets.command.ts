import { packetDetailSchema, packetSummarySchema, packetTermListSchema, type PacketSummary } from '@leaf/contracts';
import type { Command } from '../leaf-cli.args';
import { linkedPacketListSchema } from '../leaf-api.schemas';
import { formatBytes, formatTable } from '../output.format';
import { printJson, segment, type CommandContext } from './command.context';
import { pages } from './paging';

const packetPath = (packetId: string, rest = '') => `/v1/packets/${segment(packetId)}${rest}`;

/** `packets list`: every page; `--status` filters what the API lists (it has no status filter of its own). */
export async function listPackets(ctx: CommandContext, cmd: Extract<Command, { name: 'packets list' }>): Promise<void> {
  const query = new URLSearchParams({ limit: '200' });
  if (cmd.clientId) query.set('clientId', cmd.clientId);
  const items: PacketSummary[] = [];
  for await (const page of pages(ctx, `/v1/packets?${query}`, linkedPacketListSchema)) {
    items.push(...page.filter((p) => cmd.status === undefined || p.status === cmd.status));
  }
  if (ctx.json) return printJson(ctx, { items });
  if (items.length === 0) return ctx.io.out(`no packets${cmd.status ? ` in ${cmd.status}` : ''}\n`);
  ctx.io.out(
    formatTable(items, [
      { header: 'PACKET', value: (p) => p.packetId },
      { header: 'CLIENT', value: (p) => p.clientId },
      { header: 'STATUS', value: (p) => p.status },
      { header: 'KIND', value: (p) => p.kind },
      { header: 'PERIOD', value: (p) => p.periodId },
      { header: 'V', value: (p) => p.version, align: 'right' },
      { header: 'NAME', value: (p) => p.name, max: 48 },
      { header: 'REASON', value: (p) => p.reason, max: 60 },
    ]),
  );
}

/** `packets show`: what a reviewer decides on: the packet, what it conflicts with, and each term with its locator. */
export async function showPacket(ctx: CommandContext, cmd: Extract<Command, { name: 'packets show' }>): Promise<void> {
  const { body: packet } = await ctx.api.get(packetPath(cmd.packetId), packetDetailSchema);
  // A packet that never got as far as extraction (rejected unreadable) lists no terms.
  const { body: terms } = await ctx.api.get(packetPath(cmd.packetId, '/terms'), packetTermListSchema);
  if (ctx.json) return printJson(ctx, { packet, terms });
  const lines = [
    `packet ${packet.packetId}  ${packet.status}  ${packet.clientId}  ${packet.kind ?? 'unknown kind'}  period ${packet.periodId ?? '-'}  v${packet.version}`,
    `  ${packet.name}  ${packet.format ?? '?'}  ${formatBytes(packet.size)}  sha256 ${packet.sha256 ?? '-'}`,
  ];
  if (packet.reason) lines.push(`  reason: ${packet.reason}`);
  if (packet.decidedBy) lines.push(`  decided by ${packet.decidedBy}`);
  for (const c of packet.conflicts) {
    lines.push(
      `  conflict ${c.guaranteeId}: proposes ${c.proposed ?? 'not guaranteed'} at ${c.locator}, promoted ${c.current} (${c.currentObjectId} at ${c.currentLocator})`,
    );
  }
  ctx.io.out(`${lines.join('\n')}\n\n`);
  if (terms.items.length === 0) return ctx.io.out('no terms\n');
  ctx.io.out(
    formatTable(terms.items, [
      { header: 'GUARANTEE', value: (t) => t.guaranteeId },
      { header: 'METRIC', value: (t) => t.metric },
      { header: 'CHANNEL', value: (t) => t.channel },
      { header: 'DRUG', value: (t) => t.drugType },
      {
        header: 'GUARANTEED',
        value: (t) => t.guaranteedValue ?? 'not guaranteed',
        align: 'right',
      },
      { header: 'METHOD', value: (t) => t.method },
      { header: 'EXCLUSIONS', value: (t) => t.exclusions.join(',') },
      { header: 'LOCATOR', value: (t) => t.evidence.locator },
      { header: 'SOURCE TEXT', value: (t) => t.sourceText, max: 60 },
    ]),
  );
}

/** `packets approve` / `packets reject`: the decision, and the packet as it stands after it. */
export async function decidePacket(ctx: CommandContext, cmd: Extract<Command, { name: 'packets approve' | 'packets reject' }>): Promise<void> {
  const { body } =
    cmd.name === 'packets approve'
      ? await ctx.api.post(packetPath(cmd.packetId, '/approve'), {}, packetSummarySchema)
      : await ctx.api.post(packetPath(cmd.packetId, '/reject'), { reason: cmd.reason }, packetSummarySchema);
  if (ctx.json) return printJson(ctx, body);
  ctx.io.out(`packet ${body.packetId}  ${body.status}${body.reason ? `  reason: ${body.reason}` : ''}\n`);
}
