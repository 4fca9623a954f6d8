import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { reconciliationRunSchema, type RunArtifact } from '@leaf/contracts';
import type { Command } from '../leaf-cli.args';
import { ApiError, CliError, exitCodes, NetworkError, OperationError } from '../leaf-cli.errors';
import { formatBytes } from '../output.format';
import { printJson, segment, type CommandContext } from './command.context';
import { runPath } from './reconcile.command';

/** A download that receives nothing for this long is abandoned (the whole download has no limit). */
const idleTimeoutMs = 60_000;

export interface DownloadedArtifact {
  name: string;
  bytes: number;
  sha256: string;
  path: string;
  /** `unchanged`: the folder already held these exact bytes. `skipped`: the token may not read it (403). */
  status: 'downloaded' | 'unchanged' | 'skipped';
  reason?: string;
}

async function sha256OfFile(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/**
 * Streams one artifact to `<target>.partial` while hashing it, and renames it into place only when
 * its size and sha256 are the ones the run lists: a cut or altered download never looks complete.
 */
async function downloadOne(ctx: CommandContext, path: string, artifact: RunArtifact, target: string): Promise<void> {
  const partial = `${target}.partial`;
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), idleTimeoutMs);
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleTimeoutMs);
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    const res = await ctx.api.open(path, { accept: '*/*' }, idle.signal);
    if (!res.body) throw new OperationError('INVALID_ANSWER', `${artifact.name}: the answer has no body`);
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), meter, createWriteStream(partial));
  } catch (e) {
    await rm(partial, { force: true });
    if (e instanceof CliError) throw e;
    if (idle.signal.aborted) throw new NetworkError(`${artifact.name}: no bytes for ${idleTimeoutMs / 1000} s; the download was abandoned`, { cause: e });
    throw new NetworkError(`${artifact.name}: the download broke off after ${bytes} bytes (${(e as NodeJS.ErrnoException).code ?? (e as Error).name})`, {
      cause: e,
    });
  } finally {
    clearTimeout(timer);
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== artifact.sha256 || bytes !== artifact.bytes) {
    await rm(partial, { force: true });
    throw new OperationError(
      'SHA256_MISMATCH',
      `${artifact.name}: received ${bytes} bytes with sha256 ${sha256}, the run lists ${artifact.bytes} bytes with ${artifact.sha256}; nothing kept`,
    );
  }
  await rename(partial, target);
}

/** `artifacts download`: every artifact of a succeeded run (or the named ones) into a folder, verified. */
export async function downloadArtifacts(ctx: CommandContext, cmd: Extract<Command, { name: 'artifacts download' }>): Promise<void> {
  const run = (await ctx.api.get(runPath(cmd.clientId, cmd.runId), reconciliationRunSchema)).body;
  if (run.status !== 'succeeded') throw new OperationError('RUN_NOT_SUCCEEDED', `run ${run.runId} is ${run.status}; its artifacts exist once it has succeeded`);
  const wanted = cmd.names ?? run.artifacts.map((a) => a.name);
  const missing = wanted.filter((n) => !run.artifacts.some((a) => a.name === n));
  if (missing.length) throw new CliError(exitCodes.notFound, `NOT_FOUND: run ${run.runId} lists no ${missing.join(', ')}`);
  await mkdir(cmd.out, { recursive: true });
  const results: DownloadedArtifact[] = [];
  for (const artifact of run.artifacts.filter((a) => wanted.includes(a.name))) {
    const result = await fetchArtifact(ctx, run.clientId, run.runId, artifact, cmd);
    results.push(result);
    // People see each file as it lands; --json gets them all at the end.
    if (!ctx.json) ctx.io.out(`${result.status.padEnd(10)}  ${result.path}  ${formatBytes(result.bytes)}  sha256 ${result.sha256}\n`);
  }
  if (ctx.json) printJson(ctx, { runId: run.runId, folder: cmd.out, artifacts: results });
}

async function fetchArtifact(
  ctx: CommandContext,
  clientId: string,
  runId: string,
  artifact: RunArtifact,
  cmd: Extract<Command, { name: 'artifacts download' }>,
): Promise<DownloadedArtifact> {
  const target = join(cmd.out, artifact.name);
  const base = {
    name: artifact.name,
    bytes: artifact.bytes,
    sha256: artifact.sha256,
    path: target,
  };
  // The folder may hold it from an earlier download: the same bytes are not fetched again.
  if ((await sha256OfFile(target)) === artifact.sha256) return { ...base, status: 'unchanged' };
  try {
    await downloadOne(ctx, `${runPath(clientId, runId)}/artifacts/${segment(artifact.name)}`, artifact, target);
    return { ...base, status: 'downloaded' };
  } catch (e) {
    // Some artifacts need a higher role (run-inputs.json records the run's queries: operators
    // only). Asked for everything, the caller gets what the token may read; asked by name, it fails.
    if (e instanceof ApiError && e.status === 403 && cmd.names === undefined) {
      ctx.io.err(`skipped ${artifact.name}: ${e.line}\n`);
      return { ...base, status: 'skipped', reason: e.line };
    }
    throw e;
  }
}
