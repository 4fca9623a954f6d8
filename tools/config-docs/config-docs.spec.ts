import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSources } from './config-sources';
import { ConfigDocsError, renderConfigTable, settingRows, withConfigTable, tableEnd, tableStart } from './config-table';

describe('README configuration table (npm run config:docs)', () => {
  it('is what the zod config schemas render: a setting added in code without regenerating the README fails here', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    // On failure: run `npm run config:docs` and commit README.md.
    expect(readme).toBe(withConfigTable(readme, renderConfigTable(configSources)));
  });

  it('lists every setting of every service once, with the readers that validate it', () => {
    const rows = settingRows(configSources);
    const names = rows.map((r) => r.setting);
    expect(new Set(names).size).toBe(names.length);
    expect(rows.find((r) => r.setting === 'LEAF_DATABASE_URL')?.readers).toHaveLength(configSources.length);
    expect(rows.find((r) => r.setting === 'LEAF_CLAIMS_RUNTIME_URL')?.readers).toEqual(['gateway', 'agent-dispatcher', 'lane-worker']);
    expect(rows.find((r) => r.setting === 'LEAF_RATE_LIMITS')?.readers).toEqual(['gateway']);
  });
});

describe('renderConfigTable', () => {
  const source = (reader: string, shape: Record<string, z.ZodType>) => ({ reader, schema: z.object(shape) });

  it('finds a description and default on any wrapper (.describe before or after .default, transforms, refinements)', () => {
    const table = renderConfigTable([
      source('a', {
        INNER: z.coerce.number().describe('described inside').default(5),
        OUTER: z.string().optional().describe('described outside'),
        FLAG: z
          .enum(['true', 'false'])
          .default('false')
          .transform((v) => v === 'true')
          .describe('a flag'),
      }),
    ]);
    expect(table).toContain('| `INNER` | all | `5` | described inside |');
    expect(table).toContain('| `OUTER` | all | unset | described outside |');
    expect(table).toContain('| `FLAG` | all | `false` | a flag |');
  });

  it('says so where services differ in default or description, and escapes Markdown', () => {
    const table = renderConfigTable([
      source('one', { X: z.string().default('1').describe('X for <one> | two.') }),
      source('two', { X: z.string().default('2').describe('X for <one> | two.') }),
      source('three', { Y: z.string().optional().describe('why') }),
    ]);
    expect(table).toContain('| `X` | one, two | one: `1`; two: `2`. | X for &lt;one&gt; \\| two. |');
  });

  it('refuses a setting without a description', () => {
    expect(() => renderConfigTable([source('a', { UNDOCUMENTED: z.string().default('x') })])).toThrow(ConfigDocsError);
  });

  it('refuses a secret-looking setting with a default, so the table never prints one', () => {
    expect(() => renderConfigTable([source('a', { LEAF_GRAPH_CLIENT_SECRET: z.string().default('hunter2').describe('s') })])).toThrow(
      /must not have a default/,
    );
    expect(renderConfigTable(configSources)).not.toMatch(/(SECRET|API_KEY|IDENTITY_KEY|CONNECTION_STRING)` \| [^|]+ \| `/);
  });
});

describe('withConfigTable', () => {
  it('replaces only the text between the markers', () => {
    const readme = `# t\n\nbefore\n${tableStart}\nold table\n${tableEnd}\nafter\n`;
    const out = withConfigTable(readme, '| new |');
    expect(out.startsWith(`# t\n\nbefore\n${tableStart}\n`)).toBe(true);
    expect(out.endsWith(`\n| new |\n\n${tableEnd}\nafter\n`)).toBe(true);
    expect(out).not.toContain('old table');
  });

  it('fails when the markers are missing', () => {
    expect(() => withConfigTable('# no markers', '| t |')).toThrow(ConfigDocsError);
  });
});
