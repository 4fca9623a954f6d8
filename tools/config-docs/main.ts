import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSources } from './config-sources';
import { renderConfigTable, withConfigTable } from './config-table';

/** `npm run config:docs`: rewrites README.md's configuration table from the zod config schemas. */
const readmePath = join(__dirname, '..', '..', 'README.md');
try {
  const before = readFileSync(readmePath, 'utf8');
  const after = withConfigTable(before, renderConfigTable(configSources));
  if (after !== before) writeFileSync(readmePath, after);
  process.stdout.write(after === before ? 'README.md configuration table is up to date\n' : 'README.md configuration table regenerated\n');
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
