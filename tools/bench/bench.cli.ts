import { parseArgs } from 'node:util';
import type { BenchSuite } from './bench-case';
import { formatJson, formatTable } from './bench-report.format';
import { runSuite } from './bench-runner';

export interface BenchIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const usage = (suites: Readonly<Record<string, BenchSuite>>) =>
  `Usage: npm run bench -- <suite> [--json] [--claims N]\nSuites:\n${Object.values(suites)
    .map((s) => `  ${s.name.padEnd(10)} ${s.description}`)
    .join('\n')}\n`;

/**
 * The bench command line. Returns the exit status: 0 done, 1 a suite failed, 2 bad arguments.
 * With --json stdout carries exactly one JSON object and nothing else; progress goes to stderr.
 */
export async function runBenchCli(argv: readonly string[], suites: Readonly<Record<string, BenchSuite>>, io: BenchIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, claims: { type: 'string' } },
    });
  } catch (error) {
    io.stderr(`bench: ${error instanceof Error ? error.message : String(error)}\n${usage(suites)}`);
    return 2;
  }
  const [name, ...extra] = parsed.positionals;
  const suite = name === undefined ? undefined : suites[name];
  if (suite === undefined || extra.length > 0) {
    const known = Object.keys(suites).join(', ');
    io.stderr(`bench: ${name === undefined ? 'no suite given' : `unknown suite '${[name, ...extra].join(' ')}'`}; suites: ${known}\n${usage(suites)}`);
    return 2;
  }
  const claimsFlag = parsed.values.claims;
  if (claimsFlag !== undefined && !/^[1-9]\d*$/.test(claimsFlag)) {
    io.stderr(`bench: --claims must be a positive whole number\n${usage(suites)}`);
    return 2;
  }

  try {
    const result = await runSuite(suite, {
      claims: claimsFlag === undefined ? undefined : Number(claimsFlag),
      log: (message) => io.stderr(`${message}\n`),
    });
    io.stdout(parsed.values.json ? formatJson(result) : formatTable(result));
    return 0;
  } catch (error) {
    io.stderr(`bench: suite ${suite.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
