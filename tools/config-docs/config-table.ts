import { z } from 'zod';

/** One reader of settings (a service, or the local-stack launcher) and the zod schema it loads. */
export interface ConfigSource {
  readonly reader: string;
  readonly schema: z.ZodType;
}

/** A setting as it appears in the README table. */
export interface SettingRow {
  readonly setting: string;
  readonly readers: readonly string[];
  readonly defaultText: string;
  readonly description: string;
}

export class ConfigDocsError extends Error {
  readonly code = 'CONFIG_DOCS_INVALID';
}

/**
 * A default under one of these names would be a shared secret in the repository; the table must
 * never print one, so a schema that gains one fails the tool (and CI) instead.
 */
const secretName = /SECRET|PASSWORD|API_KEY|IDENTITY_KEY|CONNECTION_STRING|TOKEN/;

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; defaultValue?: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The wrappers between a setting and its base type, outermost first. `.describe()` attaches to the
 * schema it is called on, and `.default()` / `.optional()` / `.transform()` return new schemas, so
 * a description or default may sit on any of them.
 */
function layers(schema: z.ZodType): z.ZodType[] {
  const out: z.ZodType[] = [];
  for (let s: z.ZodType | undefined = schema; s; ) {
    out.push(s);
    const def = defOf(s);
    s = def.type === 'pipe' ? def.in : def.innerType;
  }
  return out;
}

const code = (text: string) => '`' + text.replace(/`/g, "'") + '`';

function renderDefault(setting: string, schema: z.ZodType): string {
  const withDefault = layers(schema).find((s) => ['default', 'prefault'].includes(defOf(s).type));
  if (!withDefault) return 'unset';
  if (secretName.test(setting)) throw new ConfigDocsError(`${setting} looks like a secret and must not have a default`);
  const value = defOf(withDefault).defaultValue;
  if (value === '') return '""';
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

function descriptionOf(setting: string, schema: z.ZodType): string {
  const description = layers(schema)
    .map((s) => z.globalRegistry.get(s)?.description)
    .find((d) => d);
  if (!description) throw new ConfigDocsError(`${setting} has no description: add .describe('…') to it in its config schema`);
  return description;
}

function shapeOf(source: ConfigSource): Record<string, z.ZodType> {
  // `.superRefine()` keeps the object (zod 4), so every service schema still has its shape.
  if (!(source.schema instanceof z.ZodObject)) throw new ConfigDocsError(`${source.reader}'s config schema is not a zod object`);
  return source.schema.shape as Record<string, z.ZodType>;
}

/** Shared text, or each reader's own where they differ (`gateway: x; lane-worker: y`). */
function merge(values: ReadonlyArray<{ reader: string; text: string }>): string {
  const distinct = [...new Set(values.map((v) => v.text))];
  if (distinct.length === 1) return distinct[0];
  const part = (text: string) =>
    `${values
      .filter((v) => v.text === text)
      .map((v) => v.reader)
      .join(', ')}: ${text.replace(/\.$/, '')}`;
  return `${distinct.map(part).join('; ')}.`;
}

/** One row per setting, in the order the schemas declare them (the platform's first). */
export function settingRows(sources: readonly ConfigSource[]): SettingRow[] {
  const seen = new Map<string, Array<{ reader: string; defaultText: string; description: string }>>();
  for (const source of sources) {
    for (const [setting, schema] of Object.entries(shapeOf(source))) {
      const entries = seen.get(setting) ?? [];
      entries.push({ reader: source.reader, defaultText: renderDefault(setting, schema), description: descriptionOf(setting, schema) });
      seen.set(setting, entries);
    }
  }
  return [...seen].map(([setting, entries]) => ({
    setting,
    readers: entries.map((e) => e.reader),
    defaultText: merge(entries.map((e) => ({ reader: e.reader, text: e.defaultText }))),
    description: merge(entries.map((e) => ({ reader: e.reader, text: e.description }))),
  }));
}

/** Pipes escaped; `<placeholder>` escaped outside code spans, where Markdown would take it for HTML. */
const cell = (text: string) =>
  text
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .split('`')
    .map((part, i) => (i % 2 === 0 ? part.replace(/</g, '&lt;').replace(/>/g, '&gt;') : part))
    .join('`');

/** The Markdown table; a setting every source reads says "all" rather than listing them. */
export function renderConfigTable(sources: readonly ConfigSource[]): string {
  const lines = ['| setting | read by | default | description |', '|---|---|---|---|'];
  for (const row of settingRows(sources)) {
    const readers = row.readers.length === sources.length ? 'all' : row.readers.join(', ');
    lines.push(`| ${code(row.setting)} | ${cell(readers)} | ${cell(row.defaultText)} | ${cell(row.description)} |`);
  }
  return lines.join('\n');
}

export const tableStart = '<!-- config-table:start -->';
export const tableEnd = '<!-- config-table:end -->';

/** README.md with the text between the two markers replaced by `table` (markers kept). */
export function withConfigTable(readme: string, table: string): string {
  const start = readme.indexOf(tableStart);
  const end = readme.indexOf(tableEnd);
  if (start < 0 || end < start) throw new ConfigDocsError(`README.md must hold ${tableStart} followed by ${tableEnd}`);
  const notice = '<!-- generated by npm run config:docs from the zod config schemas: edit those, not this table -->';
  return `${readme.slice(0, start)}${tableStart}\n${notice}\n\n${table}\n\n${readme.slice(end)}`;
}
