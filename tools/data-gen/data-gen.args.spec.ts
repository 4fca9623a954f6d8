import { DataGenArgsError, parseDataGenArgs } from './data-gen.args';

const failure = (argv: string[]) => {
  try {
    parseDataGenArgs(argv);
  } catch (error) {
    if (error instanceof DataGenArgsError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('data:generate arguments', () => {
  it('reads a CSV run and a PostgreSQL run with their defaults', () => {
    expect(parseDataGenArgs(['--claims', '1000', '--seed', '7', '--out', 'out/dir'])).toEqual({
      kind: 'csv',
      out: 'out/dir',
      seed: { seed: 7, claims: 1000, start: '2025-01-01', months: 12 },
    });
    expect(parseDataGenArgs(['--database-url', 'postgres://u@h:5432/db', '--migrate', '--clients', '3'])).toEqual({
      kind: 'postgres',
      databaseUrl: 'postgres://u@h:5432/db',
      migrate: true,
      seed: { seed: 42, claims: 100_000, clients: 3, start: '2025-01-01', months: 12 },
    });
  });

  it('says what is wrong with a bad command line', () => {
    expect(failure(['--claims', 'ten', '--out', 'x'])).toMatch(/--claims must be a whole number/);
    expect(failure(['--claims', '10'])).toMatch(/exactly one of --out/);
    expect(failure(['--out', 'x', '--database-url', 'postgres://h/db'])).toMatch(/exactly one of --out/);
    expect(failure(['--out', 'x', '--bogus'])).toMatch(/--bogus/);
    expect(failure(['--out', 'x', '--seed', '4294967296'])).toMatch(/--seed/);
    expect(failure(['--out', 'x', '--start', '2025-02-30'])).toMatch(/--start/);
    expect(failure(['--database-url', 'mysql://h/db'])).toMatch(/postgres:\/\//);
    expect(failure(['--out', 'x', '--migrate'])).toMatch(/--migrate only applies/);
  });
});
