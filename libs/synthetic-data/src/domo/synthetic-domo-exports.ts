import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromCents, toCents, type Claim } from '@leaf/contracts';
import type { SyntheticSeed } from '../lib/seed/synthetic-seed.factory';

/** One Domo dataset as the Platform API describes it (`GET /v1/datasets/{id}`) and its CSV export. */
export interface SyntheticDomoExport {
  readonly metadata: {
    id: string;
    name: string;
    description: string;
    rows: number;
    columns: number;
    createdAt: string;
    updatedAt: string;
    dataCurrentAt: string;
    schema: { columns: { name: string; type: 'STRING' | 'LONG' | 'DECIMAL' | 'DATE' }[] };
  };
  readonly csv: string;
}

/** Which flaw was planted where, so a reader (or a spec) can check the gates and reasons found them. */
export interface PlantedFlaws {
  readonly duplicateClaims: readonly string[];
  readonly nullChannelClaims: readonly string[];
  /** Client whose money Domo shows in whole dollars. */
  readonly roundingClient: string;
  /** Client whose savings Domo computes gross of reversals. */
  readonly definitionClient: string;
  /** Client whose claims of `shiftedDay` Domo dates into the next month. */
  readonly shiftedClient: string;
  readonly shiftedDay: string;
  /** Client whose last month Domo has not received yet (the late batch). */
  readonly lateClient: string;
  readonly lateMonth: string;
}

export interface SyntheticDomo {
  readonly claimsExtract: SyntheticDomoExport;
  readonly savings: SyntheticDomoExport;
  readonly flaws: PlantedFlaws;
}

const extractColumns = [
  { name: 'claim_id', type: 'STRING' },
  { name: 'client_id', type: 'STRING' },
  { name: 'fill_date', type: 'DATE' },
  { name: 'channel', type: 'STRING' },
  { name: 'drug_type', type: 'STRING' },
  { name: 'awp', type: 'DECIMAL' },
  { name: 'ingredient_cost_paid', type: 'DECIMAL' },
  { name: 'is_reversal', type: 'LONG' },
] as const;

const savingsColumns = [
  { name: 'client_id', type: 'STRING' },
  { name: 'month', type: 'DATE' },
  { name: 'channel', type: 'STRING' },
  { name: 'drug_type', type: 'STRING' },
  { name: 'claim_count', type: 'LONG' },
  { name: 'awp_total', type: 'DECIMAL' },
  { name: 'paid_total', type: 'DECIMAL' },
  { name: 'savings', type: 'DECIMAL' },
] as const;

interface Sums {
  count: number;
  awp: bigint;
  paid: bigint;
}

const monthOf = (date: string) => `${date.slice(0, 7)}-01`;
function nextMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}
function lastDayOf(month: string): string {
  const d = new Date(Date.parse(nextMonth(month)) - 86_400_000);
  return d.toISOString().slice(0, 10);
}
const wholeDollars = (cents: bigint) => fromCents(((cents + (cents >= 0n ? 50n : -50n)) / 100n) * 100n);

/**
 * Domo's side of the takeover, generated from the seeded claims (the same seed gives the same
 * bytes): its claims extract and the "Savings by Client Month" output its card shows, computed
 * as Domo's dataflow would, with realistic flaws planted — duplicate and null-channel rows and a
 * late batch in the extract; in the output, one client in whole dollars (rounding), one gross of
 * reversals (definition change), one with a day's claims dated into the next month (timing) and
 * one missing its last month (late batch).
 */
export function generateSyntheticDomo(seed: SyntheticSeed): SyntheticDomo {
  const months = new Set<string>();
  const reversals = new Map<string, number>();
  let lastFill = '0000-00-00';
  for (const c of seed.claims()) {
    months.add(monthOf(c.fillDate));
    if (c.fillDate > lastFill) lastFill = c.fillDate;
    if (c.isReversal) reversals.set(c.clientId, (reversals.get(c.clientId) ?? 0) + 1);
  }
  // The definition difference only shows where there are reversals: the client with the most.
  const sorted = seed.clients.map((c) => c.clientId).sort();
  const definitionClient = [...sorted].sort((a, b) => (reversals.get(b) ?? 0) - (reversals.get(a) ?? 0))[0] ?? '';
  const others = sorted.filter((c) => c !== definitionClient);
  const pick = (i: number) => (others.length === 0 ? definitionClient : (others[i % others.length] as string));
  const [roundingClient, shiftedClient, lateClient] = [pick(0), pick(1), pick(2)];
  const sortedMonths = [...months].sort();
  const lateMonth = sortedMonths[sortedMonths.length - 1] ?? '2025-01-01';
  const shiftedDay = lastDayOf(sortedMonths[0] ?? '2025-01-01');
  // The late batch: the extract stops a week before the data's end.
  const extractCutoff = new Date(Date.parse(lastFill) - 7 * 86_400_000).toISOString().slice(0, 10);

  const lines: string[] = [];
  const duplicateClaims: string[] = [];
  const nullChannelClaims: string[] = [];
  const groups = new Map<string, Sums>();
  // A reversal carries its amounts negated already, so sums net; it counts -1.
  const add = (key: string, claim: Claim) => {
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { count: 0, awp: 0n, paid: 0n }));
    g.count += claim.isReversal ? -1 : 1;
    g.awp += toCents(claim.awp);
    g.paid += toCents(claim.ingredientCostPaid);
  };
  let n = 0;
  for (const c of seed.claims()) {
    n++;
    if (c.fillDate <= extractCutoff) {
      const nullChannel = n % 701 === 0;
      if (nullChannel) nullChannelClaims.push(c.claimId);
      const line = `${c.claimId},${c.clientId},${c.fillDate},${nullChannel ? '' : c.channel},${c.drugType},${c.awp},${c.ingredientCostPaid},${c.isReversal ? 1 : 0}`;
      lines.push(line);
      if (n % 997 === 0) {
        duplicateClaims.push(c.claimId);
        lines.push(line);
      }
    }
    // The output: Domo's dataflow, with its flaws.
    if (c.clientId === definitionClient && c.isReversal) continue; // gross of reversals
    let month = monthOf(c.fillDate);
    if (c.clientId === shiftedClient && c.fillDate === shiftedDay) month = nextMonth(month);
    if (c.clientId === lateClient && month === lateMonth) continue;
    add(`${c.clientId},${month},${c.channel},${c.drugType}`, c);
  }

  const savingsLines = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => {
      const round = key.startsWith(`${roundingClient},`) ? wholeDollars : fromCents;
      return `${key},${g.count},${round(g.awp)},${round(g.paid)},${round(g.awp - g.paid)}`;
    });

  const dataCurrentAt = `${new Date(Date.parse(lastFill) + 86_400_000).toISOString().slice(0, 10)}T06:00:00Z`;
  const dataset = (
    id: string,
    name: string,
    description: string,
    columns: readonly { name: string; type: 'STRING' | 'LONG' | 'DECIMAL' | 'DATE' }[],
    rows: string[],
  ): SyntheticDomoExport => ({
    metadata: {
      id,
      name,
      description,
      rows: rows.length,
      columns: columns.length,
      createdAt: '2024-11-04T15:20:00Z',
      updatedAt: dataCurrentAt,
      dataCurrentAt,
      schema: { columns: columns.map((c) => ({ ...c })) },
    },
    csv: [columns.map((c) => c.name).join(','), ...rows].join('\n') + '\n',
  });

  return {
    claimsExtract: dataset('0d7c3f4e-claims-extract', 'PBM Claims Extract', 'Adjudicated claims from the PBM feed', extractColumns, lines),
    savings: dataset(
      '5a91b2c8-savings-by-client-month',
      'Savings by Client Month',
      'Output of the Savings dataflow (card: Savings by client)',
      savingsColumns,
      savingsLines,
    ),
    flaws: { duplicateClaims, nullChannelClaims, roundingClient, definitionClient, shiftedClient, shiftedDay, lateClient, lateMonth },
  };
}

/** Writes the exports as a Domo export folder: `<id>.json` (metadata) beside `<id>.csv`. */
export async function writeSyntheticDomoExports(dir: string, domo: SyntheticDomo): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const e of [domo.claimsExtract, domo.savings]) {
    await writeFile(join(dir, `${e.metadata.id}.csv`), e.csv);
    await writeFile(join(dir, `${e.metadata.id}.json`), JSON.stringify(e.metadata, null, 2));
  }
}
