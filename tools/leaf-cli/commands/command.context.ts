import type { LeafApi } from '../leaf-api.client';
import type { CliIo } from '../progress.reporter';

/** What every command runs with. */
export interface CommandContext {
  api: LeafApi;
  io: CliIo;
  /** --json: stdout carries one JSON document (the API's answer, validated), nothing for people. */
  json: boolean;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** How often a run is polled while waiting for it. */
  pollMs: number;
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Path segments are ids the arguments already checked; encoded all the same. */
export const segment = encodeURIComponent;
