export { GENERATOR_VERSION } from './lib/seed/generator-version';
export { createSyntheticSeed, seedIdFor, type SyntheticSeed } from './lib/seed/synthetic-seed.factory';
export type { SeedSource } from './lib/seed/seed-source';
export { seedOptionsSchema, type SeedOptions, type ResolvedSeedOptions } from './lib/plan/seed-options.schema';
export { writeSeedCsv, type CsvFileSummary, type SeedCsvResult } from './lib/csv/seed-csv.writer';
export { claimsCsv, clientsCsv, contractGuaranteesCsv, contractPeriodsCsv, csvHeader, type SeedTableCsv } from './lib/csv/seed-tables.csv';
export { loadSeedIntoPostgres, type LoadSeedOptions, type SeedLoadProgress, type SeedLoadResult } from './lib/load/seed.loader';
export type { SeedTarget } from './lib/load/seed-target';
export type { SqlQueryable } from './lib/load/sql-queryable';
export { isSeeded, readSeedRun, type SeedRun } from './lib/load/seed-runs.repository';
export { SyntheticDataError, isSyntheticDataError, syntheticDataErrorCodes, type SyntheticDataErrorCode } from './lib/errors/synthetic-data.error';
export {
  generateContractPackets,
  partialPacketsDir,
  writeContractPackets,
  type SyntheticPacket,
  type WritePacketsOptions,
} from './lib/packets/synthetic-packets';
export { rateSchedulePdf } from './lib/packets/rate-schedule.pdf';
export { rateScheduleXlsx } from './lib/packets/rate-schedule.xlsx';
export { scheduleRows, rowOf, awpPercent, rateTableHeader, type RateRow, type PacketHeader } from './lib/packets/rate-schedule.rows';
export {
  generateSyntheticDomo,
  writeSyntheticDomoExports,
  type SyntheticDomo,
  type SyntheticDomoExport,
  type PlantedFlaws,
} from './domo/synthetic-domo-exports';
