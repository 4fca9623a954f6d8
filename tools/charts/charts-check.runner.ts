import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ChartsCheckError } from './charts-check.error';
import { parseManifests, runHelm } from './helm.runner';
import { type ChartFinding, type K8sObject, objectRef } from './k8s-object';
import { keyVaultFindings } from './key-vault-secrets.rule';
import { laneFindings } from './lanes.rule';
import { policyViolations } from './manifest-policy.rules';
import { schemaProblem } from './manifest-schema.validator';
import { undocumentedValues } from './values-docs.rule';
import { valuesSchemaDrift } from './values-schema.rule';

export interface ChartsCheckOptions {
  /** Path of the helm binary (tools/.bin/helm). */
  helm: string;
  /** Folder holding the library chart and one chart per service. */
  chartsDir: string;
  /** Folder with one sub-folder per environment: common.values.yaml + <chart>.values.yaml. */
  environmentsDir: string;
  /** Cluster-level manifests (`*.values.yaml` there are third-party chart values and skipped). */
  clusterDir?: string;
  /** Check only these charts (default: all). */
  only?: readonly string[];
}

/** One `helm template` result: the objects of one chart under one values case. */
export interface RenderedCase {
  chart: string;
  case: string;
  namespace: string;
  objects: K8sObject[];
}

export interface ChartsReport {
  ok: boolean;
  findings: ChartFinding[];
  renders: RenderedCase[];
  /** Cluster-level objects validated from clusterDir. */
  clusterObjects: number;
}

const chartYaml = z.object({ name: z.string(), type: z.enum(['application', 'library']).default('application') }).passthrough();

interface ValuesCase {
  name: string;
  namespace: string;
  files: string[];
}

function listCharts(chartsDir: string): { name: string; type: 'application' | 'library' }[] {
  if (!existsSync(chartsDir)) throw new ChartsCheckError('NO_CHARTS', `no charts folder at ${chartsDir}`);
  const charts = readdirSync(chartsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(chartsDir, entry.name, 'Chart.yaml')))
    .map((entry) => {
      const meta = chartYaml.parse(parse(readFileSync(join(chartsDir, entry.name, 'Chart.yaml'), 'utf8')));
      return { name: entry.name, type: meta.type };
    });
  if (!charts.some((chart) => chart.type === 'application')) throw new ChartsCheckError('NO_CHARTS', `no application charts in ${chartsDir}`);
  return charts;
}

/** The application (service) charts under chartsDir. */
export const serviceChartNames = (chartsDir: string): string[] =>
  listCharts(chartsDir)
    .filter((chart) => chart.type === 'application')
    .map((chart) => chart.name);

function valuesCases(chartDir: string, chart: string, environmentsDir: string): { cases: ValuesCase[]; findings: ChartFinding[] } {
  const cases: ValuesCase[] = [];
  const findings: ChartFinding[] = [];
  const ciDir = join(chartDir, 'ci');
  const ciFiles = existsSync(ciDir)
    ? readdirSync(ciDir)
        .filter((file) => file.endsWith('-values.yaml'))
        .sort()
    : [];
  if (ciFiles.length === 0) findings.push({ chart, case: 'ci', object: '-', rule: 'ci-cases', message: 'no ci/*-values.yaml case' });
  for (const file of ciFiles) cases.push({ name: `ci/${file}`, namespace: 'leaf-ci', files: [join(ciDir, file)] });
  const environments = existsSync(environmentsDir)
    ? readdirSync(environmentsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  for (const environment of environments) {
    const files = [join(environmentsDir, environment, 'common.values.yaml'), join(environmentsDir, environment, `${chart}.values.yaml`)];
    const missing = files.filter((file) => !existsSync(file));
    if (missing.length > 0) {
      findings.push({
        chart,
        case: `env:${environment}`,
        object: '-',
        rule: 'environment-values',
        message: `missing ${missing.map((file) => basename(file)).join(', ')}`,
      });
      continue;
    }
    cases.push({ name: `env:${environment}`, namespace: `leaf-${environment}`, files });
  }
  return { cases, findings };
}

function objectFindings(chart: string, caseName: string, objects: readonly K8sObject[]): ChartFinding[] {
  const findings: ChartFinding[] = [];
  for (const object of objects) {
    const problem = schemaProblem(object);
    if (problem) findings.push({ chart, case: caseName, object: objectRef(object), rule: 'schema', message: problem });
    for (const violation of policyViolations(object)) findings.push({ chart, case: caseName, object: objectRef(object), ...violation });
  }
  return findings;
}

async function checkChart(helm: string, chartsDir: string, chart: string, environmentsDir: string) {
  const chartDir = join(chartsDir, chart);
  const renders: RenderedCase[] = [];
  const { cases, findings } = valuesCases(chartDir, chart, environmentsDir);
  if (!existsSync(join(chartDir, 'values.schema.json'))) {
    findings.push({ chart, case: 'values.yaml', object: '-', rule: 'values-schema', message: 'no values.schema.json' });
  }
  for (const path of undocumentedValues(readFileSync(join(chartDir, 'values.yaml'), 'utf8'))) {
    findings.push({ chart, case: 'values.yaml', object: '-', rule: 'values-documented', message: `${path} has no "## @param ${path} <description>"` });
  }
  const dependencies = await runHelm(helm, ['dependency', 'build', chartDir]);
  if (!dependencies.ok) {
    findings.push({ chart, case: '-', object: '-', rule: 'helm-dependency', message: dependencies.output });
    return { findings, renders };
  }
  for (const valuesCase of cases) {
    const values = valuesCase.files.flatMap((file) => ['-f', file]);
    const lint = await runHelm(helm, ['lint', '--strict', chartDir, '--namespace', valuesCase.namespace, ...values]);
    if (!lint.ok) findings.push({ chart, case: valuesCase.name, object: '-', rule: 'helm-lint', message: lint.output });
    const template = await runHelm(helm, ['template', chart, chartDir, '--namespace', valuesCase.namespace, ...values]);
    if (!template.ok) {
      findings.push({ chart, case: valuesCase.name, object: '-', rule: 'helm-template', message: template.output });
      continue;
    }
    const objects = parseManifests(template.output, `${chart} ${valuesCase.name}`);
    renders.push({ chart, case: valuesCase.name, namespace: valuesCase.namespace, objects });
    findings.push(...objectFindings(chart, valuesCase.name, objects));
    // A deployed environment must take its secrets from Key Vault (ci cases render the chart alone).
    if (valuesCase.name.startsWith('env:')) findings.push(...keyVaultFindings(chart, valuesCase.name, objects));
    // Every environment runs both lanes: short on the ScaledObject, long as one Job per message.
    if (valuesCase.name.startsWith('env:') && chart === 'lane-worker') findings.push(...laneFindings(chart, valuesCase.name, objects));
  }
  return { findings, renders };
}

function clusterManifests(clusterDir: string): string[] {
  if (!existsSync(clusterDir)) return [];
  return readdirSync(clusterDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.yaml') && !file.endsWith('values.yaml'))
    .sort()
    .map((file) => join(clusterDir, file));
}

/**
 * Lints, renders and validates every chart under every ci case and every environment (where every
 * secret must come from Key Vault), plus the cluster-level manifests. Charts are copied to a temp dir first so `helm dependency build` never
 * writes into the checkout (and concurrent runs cannot collide).
 */
export async function checkCharts(options: ChartsCheckOptions): Promise<ChartsReport> {
  const charts = listCharts(options.chartsDir);
  const work = mkdtempSync(join(tmpdir(), 'leaf-charts-'));
  try {
    // Vendored dependencies (<chart>/charts/) are rebuilt from the library chart in the copy.
    cpSync(options.chartsDir, work, {
      recursive: true,
      filter: (source) => !relative(options.chartsDir, source).split(sep).includes('charts'),
    });
    const findings: ChartFinding[] = [];
    for (const library of charts.filter((chart) => chart.type === 'library')) {
      const lint = await runHelm(options.helm, ['lint', '--strict', join(work, library.name)]);
      if (!lint.ok) findings.push({ chart: library.name, case: 'library', object: '-', rule: 'helm-lint', message: lint.output });
    }
    const selected = charts.filter((chart) => chart.type === 'application' && (!options.only || options.only.includes(chart.name)));
    // Read from the checkout, not the copy: the finding names the files to fix.
    findings.push(
      ...valuesSchemaDrift(
        options.chartsDir,
        selected.map((chart) => chart.name),
      ),
    );
    const results = await Promise.all(selected.map((chart) => checkChart(options.helm, work, chart.name, options.environmentsDir)));
    const renders = results.flatMap((result) => result.renders);
    findings.push(...results.flatMap((result) => result.findings));

    let clusterObjects = 0;
    for (const file of clusterManifests(options.clusterDir ?? '')) {
      const objects = parseManifests(readFileSync(file, 'utf8'), file);
      clusterObjects += objects.length;
      findings.push(...objectFindings(relative(options.clusterDir ?? '', file), 'cluster', objects));
    }
    return { ok: findings.length === 0, findings, renders, clusterObjects };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
