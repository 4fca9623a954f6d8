import { clientListSchema } from '@leaf/contracts';
import { formatTable } from '../output.format';
import { printJson, type CommandContext } from './command.context';

/** `clients list`: the clients the token may see, each with its contract periods. */
export async function listClients(ctx: CommandContext): Promise<void> {
  const { body } = await ctx.api.get('/v1/clients', clientListSchema);
  if (ctx.json) return printJson(ctx, body);
  if (body.items.length === 0) {
    ctx.io.out('no clients (the token names none that exist)\n');
    return;
  }
  ctx.io.out(
    formatTable(body.items, [
      { header: 'CLIENT', value: (c) => c.clientId },
      { header: 'NAME', value: (c) => c.name },
      { header: 'SEGMENT', value: (c) => c.segment },
      { header: 'MEMBERS', value: (c) => c.memberCount, align: 'right' },
      {
        header: 'PERIODS',
        value: (c) => c.periods.map((p) => `${p.periodId} (${p.startDate}..${p.endDate})`).join(', '),
      },
    ]),
  );
}
