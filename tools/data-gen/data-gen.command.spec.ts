import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDataGenArgs } from './data-gen.args';
import { runDataGen } from './data-gen.command';

describe('data:generate to CSV', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leaf-data-gen-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the files and reports counts, rate and the hash of each file', async () => {
    const command = parseDataGenArgs(['--claims', '2500', '--seed', '11', '--out', dir]);
    if (command.kind !== 'csv') throw new Error('expected a CSV command');
    const { lines } = await runDataGen(command);

    const claimsLine = lines.find((line) => line.trimStart().startsWith('claims '));
    const claimsHash = createHash('sha256')
      .update(await readFile(join(dir, 'claims.csv')))
      .digest('hex');
    expect(claimsLine).toMatch(/ 2500 rows /);
    expect(claimsLine).toContain(`sha256 ${claimsHash}`);
    expect(lines[0]).toContain('seed-11-2500');
    expect(lines.at(-1)).toMatch(/2500 claims in [\d.]+ s = \d+ claims\/s/);
  });
});
