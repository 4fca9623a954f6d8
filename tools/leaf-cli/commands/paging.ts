import type { z } from 'zod';
import { OperationError } from '../leaf-cli.errors';
import type { CommandContext } from './command.context';

/**
 * The pages of a list, following the gateway's `nextLink` from `first` until it is null (or a
 * page comes back empty). A link seen before would loop for ever: that answer is off contract.
 */
export async function* pages<T>(ctx: CommandContext, first: string, schema: z.ZodType<{ items: T[]; nextLink: string | null }>): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  let path: string | null = first;
  while (path !== null) {
    if (seen.has(path)) throw new OperationError('INVALID_ANSWER', `paging came back to ${path.split('?')[0]}`);
    seen.add(path);
    const { body }: { body: { items: T[]; nextLink: string | null } } = await ctx.api.get(path, schema);
    yield body.items;
    path = body.items.length > 0 ? body.nextLink : null;
  }
}
