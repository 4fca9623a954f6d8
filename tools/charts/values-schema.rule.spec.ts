import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serviceChartNames } from './charts-check.runner';
import { generatedValuesSchema, valuesSchemaDrift, writeValuesSchemas } from './values-schema.rule';

const chartsDir = resolve(__dirname, '..', '..', 'charts');
const serviceCharts = serviceChartNames(chartsDir);

describe('values.schema.json drift rule', () => {
  let copy: string;
  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'leaf-values-schema-'));
    cpSync(chartsDir, copy, { recursive: true });
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  it('finds every service chart of the repository equal to its generated schema', () => {
    expect(serviceCharts.length).toBeGreaterThanOrEqual(8);
    expect(valuesSchemaDrift(chartsDir, serviceCharts)).toEqual([]);
  });

  it('gives each chart its own title and lane-worker its keda values on top of the shared ones', () => {
    type Schema = { title?: string; required: string[]; properties: Record<string, unknown> };
    const shared = JSON.parse(readFileSync(join(chartsDir, 'leaf-service', 'service-values.schema.json'), 'utf8')) as Schema;
    const claims = JSON.parse(generatedValuesSchema(chartsDir, 'claims-runtime')) as Schema;
    const laneWorker = JSON.parse(generatedValuesSchema(chartsDir, 'lane-worker')) as Schema;
    expect(claims).toEqual({ ...shared, title: 'claims-runtime chart values' });
    expect(laneWorker.title).toBe('lane-worker chart values');
    expect(laneWorker.required).toEqual([...shared.required, 'keda']);
    expect(Object.keys(laneWorker.properties)).toEqual([...Object.keys(shared.properties), 'keda']);
  });

  it('fails a chart whose schema was edited by hand, and regenerating fixes only that one', () => {
    const path = join(copy, 'claims-runtime', 'values.schema.json');
    const edited = JSON.parse(readFileSync(path, 'utf8')) as { properties: Record<string, unknown> };
    edited.properties['replicaCount'] = { type: 'string' };
    writeFileSync(path, JSON.stringify(edited, null, 2));
    const findings = valuesSchemaDrift(copy, serviceCharts);
    expect(findings).toEqual([expect.objectContaining({ chart: 'claims-runtime', rule: 'values-schema-drift' })]);
    expect(writeValuesSchemas(copy, serviceCharts)).toEqual(['claims-runtime']);
    expect(valuesSchemaDrift(copy, serviceCharts)).toEqual([]);
  });

  it('fails every chart when the shared source changes until they are regenerated', () => {
    const source = join(copy, 'leaf-service', 'service-values.schema.json');
    const schema = JSON.parse(readFileSync(source, 'utf8')) as { properties: Record<string, unknown> };
    schema.properties['podLabels'] = { type: 'object' };
    writeFileSync(source, JSON.stringify(schema, null, 2));
    expect(
      valuesSchemaDrift(copy, serviceCharts)
        .map((f) => f.chart)
        .sort(),
    ).toEqual([...serviceCharts].sort());
    writeValuesSchemas(copy, serviceCharts);
    expect(valuesSchemaDrift(copy, serviceCharts)).toEqual([]);
  });
});
