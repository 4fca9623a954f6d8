import { join, resolve } from 'node:path';
import { isChartsCheckError } from './charts-check.error';
import { checkCharts, serviceChartNames } from './charts-check.runner';
import { writeValuesSchemas } from './values-schema.rule';

// Usage: charts:check [--charts-dir <dir>] [--environments-dir <dir>] [--cluster-dir <dir>] [chart...]
//        charts:check --write-schemas [--charts-dir <dir>]   (regenerate every values.schema.json)
async function main(): Promise<number> {
  const root = resolve(__dirname, '..', '..');
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string): string => {
    const index = args.indexOf(name);
    if (index < 0) return fallback;
    const [value] = args.splice(index, 2).slice(1);
    return resolve(value ?? fallback);
  };
  const chartsDir = option('--charts-dir', join(root, 'charts'));
  const environmentsDir = option('--environments-dir', join(root, 'k8s', 'environments'));
  const clusterDir = option('--cluster-dir', join(root, 'k8s', 'cluster'));
  if (args.includes('--write-schemas')) {
    const changed = writeValuesSchemas(chartsDir, serviceChartNames(chartsDir));
    process.stdout.write(changed.length ? `values.schema.json regenerated: ${changed.join(', ')}\n` : 'every values.schema.json is up to date\n');
    return 0;
  }
  const started = Date.now();
  try {
    const report = await checkCharts({
      helm: join(root, 'tools', '.bin', 'helm'),
      chartsDir,
      environmentsDir,
      clusterDir,
      only: args.length > 0 ? args : undefined,
    });
    const objects = report.renders.reduce((sum, render) => sum + render.objects.length, 0);
    const charts = new Set(report.renders.map((render) => render.chart)).size;
    const summary = `${charts} charts, ${report.renders.length} renderings, ${objects} objects, ${report.clusterObjects} cluster objects in ${Date.now() - started} ms`;
    if (report.ok) {
      process.stdout.write(`charts:check passed: ${summary}\n`);
      return 0;
    }
    for (const finding of report.findings) {
      process.stderr.write(`✗ ${finding.chart} [${finding.case}] ${finding.object} ${finding.rule}: ${finding.message}\n`);
    }
    process.stderr.write(`charts:check FAILED: ${report.findings.length} problem(s); checked ${summary}\n`);
    return 1;
  } catch (error) {
    const code = isChartsCheckError(error) ? ` [${error.code}]` : '';
    process.stderr.write(`charts:check could not run${code}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

void main().then((status) => {
  process.exitCode = status;
});
