import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartFinding } from './k8s-object';

/**
 * Every service chart takes the same values (the library chart's templates read them), so its
 * `values.schema.json` is generated from one source in the library chart; a chart that has values
 * of its own (lane-worker's `keda`) adds them in `values.schema.extra.json` beside its schema.
 * `npm run charts:check -- --write-schemas` regenerates; charts:check fails on drift.
 */
export const valuesSchemaSource = join('leaf-service', 'service-values.schema.json');
export const valuesSchemaExtra = 'values.schema.extra.json';

interface JsonSchemaObject {
  $schema?: string;
  required?: string[];
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

const readJson = (path: string): JsonSchemaObject => JSON.parse(readFileSync(path, 'utf8')) as JsonSchemaObject;

/** The values.schema.json a chart must have, as text. */
export function generatedValuesSchema(chartsDir: string, chart: string): string {
  const { $schema, ...base } = readJson(join(chartsDir, valuesSchemaSource));
  const extraPath = join(chartsDir, chart, valuesSchemaExtra);
  const extra: JsonSchemaObject = existsSync(extraPath) ? readJson(extraPath) : {};
  const schema: JsonSchemaObject = {
    $schema,
    title: `${chart} chart values`,
    ...base,
    required: [...(base.required ?? []), ...(extra.required ?? [])],
    properties: { ...base.properties, ...extra.properties },
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** A finding per service chart whose values.schema.json is not the generated one. */
export function valuesSchemaDrift(chartsDir: string, charts: readonly string[]): ChartFinding[] {
  return charts.flatMap((chart) => {
    const path = join(chartsDir, chart, 'values.schema.json');
    const actual = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (actual === generatedValuesSchema(chartsDir, chart)) return [];
    return [
      {
        chart,
        case: 'values.schema.json',
        object: '-',
        rule: 'values-schema-drift',
        message: `${actual === undefined ? 'missing' : 'differs from the schema generated from'} charts/${valuesSchemaSource}${existsSync(join(chartsDir, chart, valuesSchemaExtra)) ? ` + ${valuesSchemaExtra}` : ''}: edit the source, then npm run charts:check -- --write-schemas`,
      },
    ];
  });
}

/** Writes every chart's generated schema; returns the charts whose file changed. */
export function writeValuesSchemas(chartsDir: string, charts: readonly string[]): string[] {
  return charts.filter((chart) => {
    const path = join(chartsDir, chart, 'values.schema.json');
    const text = generatedValuesSchema(chartsDir, chart);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
    writeFileSync(path, text);
    return true;
  });
}
