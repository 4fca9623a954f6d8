import { existsSync } from 'node:fs';
import { createSyntheticSeed, generateContractPackets, partialPacketsDir, writeContractPackets } from '@leaf/synthetic-data';
import type { Logger } from 'pino';
import type { LocalStackConfig, StackPaths } from './local-stack.config';
import type { TestCrashPoint } from './test-crash-point';

/**
 * The packets folder the embedded contract-packets service reads (`<data dir>/packets/<client>/…`):
 * on first start it is filled with the PBM packets matching the seeded contracts (rate schedules
 * as PDF and XLSX, amendments, one damaged scan). The folder is written beside its place and
 * renamed into it when whole, so it exists only complete: a start that died while writing it
 * left `packets.partial`, which is discarded and written again. A restart keeps whatever is in
 * `packets`, so a packet dropped in or edited by hand is picked up by the next sync; a folder
 * named by `LEAF_PACKETS_DIR` is the user's and is never written.
 */
export async function preparePackets(config: LocalStackConfig, paths: StackPaths, logger: Logger, crash: TestCrashPoint): Promise<void> {
  if (!paths.syntheticPackets || existsSync(paths.packets)) return;
  if (existsSync(partialPacketsDir(paths.packets))) logger.warn('discarding the packets folder an interrupted first start left half-written');
  const packets = await generateContractPackets(createSyntheticSeed({ seed: config.LEAF_SEED, claims: config.LEAF_SEED_CLAIMS }));
  await writeContractPackets(paths.packets, packets, { onWritten: (written, total) => crash.at('packets-write', written >= total / 2) });
  logger.info({ packets: packets.length }, 'synthetic contract packets written (first start)');
}
