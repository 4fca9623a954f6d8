import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimColumns } from '@leaf/contracts';
import { isSyntheticDataError } from '../errors/synthetic-data.error';
import { createSyntheticSeed } from '../seed/synthetic-seed.factory';
import { writeSeedCsv, type SeedCsvResult } from './seed-csv.writer';

/** A strict RFC 4180 reader, independent of the writer, that keeps NULL (unquoted empty) apart from "". */
function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let field: string | null;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        value += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
      field = value;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
      field = end === i ? null : text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else {
      rows.push(row);
      row = [];
      i++;
    }
  }
  return rows;
}

describe('writeSeedCsv', () => {
  const options = { seed: 42, claims: 12_345 };
  let dir: string;
  let result: SeedCsvResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leaf-synthetic-csv-'));
    result = await writeSeedCsv(options, join(dir, 'out'), { rowsPerChunk: 1_000 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the four tables with headers in table column order and reports their rows', async () => {
    expect(result.files.map((f) => [f.table, f.rows])).toEqual([
      ['clients', expect.any(Number)],
      ['contract_periods', expect.any(Number)],
      ['contract_guarantees', expect.any(Number)],
      ['claims', 12_345],
    ]);
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['claims.csv', 'clients.csv', 'contract_guarantees.csv', 'contract_periods.csv']);
    const claims = parseCsv(await readFile(join(dir, 'out', 'claims.csv'), 'utf8'));
    expect(claims[0]).toEqual(claimColumns.map(([, column]) => column));
    expect(claims).toHaveLength(12_346);
  });

  it('reports the sha256 and size of the exact bytes on disk', async () => {
    for (const file of result.files) {
      const bytes = await readFile(file.path);
      expect(file.bytes).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('round-trips every field through an RFC 4180 reader, quoting names with commas and keeping NULLs', async () => {
    const seed = createSyntheticSeed(options);
    const clients = parseCsv(await readFile(join(dir, 'out', 'clients.csv'), 'utf8')).slice(1);
    expect(clients).toEqual(seed.clients.map((c) => [c.clientId, c.name, c.segment, `${c.memberCount}`]));

    const guaranteesText = await readFile(join(dir, 'out', 'contract_guarantees.csv'), 'utf8');
    const guarantees = parseCsv(guaranteesText).slice(1);
    expect(guarantees).toEqual(
      seed.contractGuarantees.map((g) => [
        g.guaranteeId,
        `${g.version}`,
        g.clientId,
        g.periodId,
        g.metric,
        g.channel,
        g.drugType,
        g.guaranteedValue,
        g.method,
        g.exclusions.join(','),
        g.evidence.sourceSystem,
        g.evidence.objectId,
        g.evidence.sha256,
        g.evidence.locator,
      ]),
    );
    expect(guaranteesText).toContain(',"uc_priced,compound,340b",');

    const claims = parseCsv(await readFile(join(dir, 'out', 'claims.csv'), 'utf8')).slice(1);
    const expected = [...seed.claims()].map((c) =>
      claimColumns.map(([key]) => {
        const value = c[key];
        return value === null ? null : `${value}`;
      }),
    );
    expect(claims).toEqual(expected);
  });

  it('writes byte-identical files for the same options and leaves no partial files', async () => {
    const again = await writeSeedCsv(options, join(dir, 'again'));
    expect(again.files.map((f) => f.sha256)).toEqual(result.files.map((f) => f.sha256));
    const other = await writeSeedCsv({ seed: 7, claims: 12_345 }, join(dir, 'other'));
    expect(other.files.at(-1)?.sha256).not.toBe(result.files.at(-1)?.sha256);
    expect((await readdir(join(dir, 'again'))).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('fails with a typed error when the directory cannot be created', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a directory');
    const failure: unknown = await writeSeedCsv(options, join(blocker, 'out')).catch((error: unknown) => error);
    expect(isSyntheticDataError(failure, 'SYNTHETIC_CSV_WRITE_FAILED')).toBe(true);
  });
});
