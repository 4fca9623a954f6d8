import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { serviceNames } from '@leaf/contracts';

/**
 * `serviceNames` (libs/contracts) is the one list of the eight services. What cannot import it (the
 * ESLint config is an .mjs file, the workflows and charts are YAML) spells it again; this spec fails
 * the moment one of those copies drifts from it.
 */
const workspaceRoot = join(__dirname, '..', '..');
const sorted = [...serviceNames].sort();

describe('one service list', () => {
  it('the lint config scopes exactly the catalogue services, in its order', () => {
    // ESLint's flat config is an ES module that Jest's VM cannot import(): read it in a child Node.
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(workspaceRoot, 'eslint.config.mjs'))}); console.log(JSON.stringify(m.services));`,
      ],
      { cwd: workspaceRoot, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } },
    ).toString();
    expect(JSON.parse(out.trim().split('\n').at(-1) ?? 'null')).toEqual([...serviceNames]);
  });

  it('the deploy workflow builds and deploys exactly the catalogue services', () => {
    const workflow = parse(readFileSync(join(workspaceRoot, '.github/workflows/deploy.yml'), 'utf8')) as {
      env: Record<string, string>;
      jobs: Record<string, { strategy?: { matrix?: { service?: string[] } } }>;
    };
    expect(workflow.env['ALL_SERVICES']?.split(/\s+/)).toEqual([...serviceNames]);
    const matrices = Object.values(workflow.jobs).flatMap((job) => (job.strategy?.matrix?.service ? [job.strategy.matrix.service] : []));
    expect(matrices.length).toBeGreaterThan(0);
    for (const matrix of matrices) expect(matrix).toEqual([...serviceNames]);
  });

  it('every service has its chart and its values in every environment, and there is no chart or values file for any other', () => {
    const charts = readdirSync(join(workspaceRoot, 'charts')).filter((d) => existsSync(join(workspaceRoot, 'charts', d, 'Chart.yaml')));
    // leaf-service is the library chart every service chart stands on.
    expect(charts.filter((c) => c !== 'leaf-service').sort()).toEqual(sorted);
    const environments = readdirSync(join(workspaceRoot, 'k8s/environments'));
    expect(environments.length).toBeGreaterThan(0);
    for (const env of environments) {
      const values = readdirSync(join(workspaceRoot, 'k8s/environments', env))
        .filter((f) => f.endsWith('.values.yaml') && f !== 'common.values.yaml')
        .map((f) => f.replace(/\.values\.yaml$/, ''));
      expect({ env, services: values.sort() }).toEqual({ env, services: sorted });
    }
  });
});
