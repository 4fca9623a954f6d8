import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSyntheticSeed, generateContractPackets, writeContractPackets } from '@leaf/synthetic-data';
import type { Logger } from 'pino';
import type { LocalStackConfig } from './local-stack.config';

/**
 * The packets folder the embedded contract-packets service reads (`<data dir>/packets/<client>/…`):
 * on first start it is filled with the PBM packets matching the seeded contracts (rate schedules
 * as PDF and XLSX, amendments, one damaged scan). A restart keeps whatever is there, so a packet
 * dropped in or edited by hand is picked up by the next sync.
 */
export async function preparePackets(config: LocalStackConfig, logger: Logger): Promise<string> {
  const dir = join(config.LEAF_DATA_DIR, 'packets');
  if (existsSync(dir)) return dir;
  const packets = await generateContractPackets(createSyntheticSeed({ seed: config.LEAF_SEED, claims: config.LEAF_SEED_CLAIMS }));
  await writeContractPackets(dir, packets);
  logger.info({ packets: packets.length }, 'synthetic contract packets written (first start)');
  return dir;
}
