import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { serviceNames } from '@leaf/contracts';
import { type ChartsReport, checkCharts } from './charts-check.runner';
import { laneFindings } from './lanes.rule';
import type { K8sObject } from './k8s-object';

const execFileAsync = promisify(execFile);
const root = resolve(__dirname, '..', '..');
const helm = join(root, 'tools', '.bin', 'helm');
const environments = ['dev', 'prod', 'staging', 'test'];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML is navigated freely in assertions

const find = (report: ChartsReport, chart: string, caseName: string, kind: string): Json[] =>
  (report.renders.find((render) => render.chart === chart && render.case === caseName)?.objects ?? []).filter(
    (object: K8sObject) => object.kind === kind,
  ) as Json[];
const one = (report: ChartsReport, chart: string, caseName: string, kind: string): Json => {
  const objects = find(report, chart, caseName, kind);
  expect(objects).toHaveLength(1);
  return objects[0] as Json;
};

describe('charts:check', () => {
  let report: ChartsReport;
  const scratch: string[] = [];

  const brokenCopy = (edit: (chartsDir: string) => void, charts = ['leaf-service', 'lane-worker']): string => {
    const dir = mkdtempSync(join(tmpdir(), 'leaf-broken-charts-'));
    scratch.push(dir);
    for (const chart of charts) {
      cpSync(join(root, 'charts', chart), join(dir, chart), { recursive: true, filter: (source) => !source.endsWith(join(chart, 'charts')) });
    }
    edit(dir);
    return dir;
  };
  const replaceIn = (file: string, from: string | RegExp, to: string): void => {
    const text = readFileSync(file, 'utf8');
    const edited = text.replace(from, to);
    expect(edited).not.toBe(text); // the sabotage must actually apply
    writeFileSync(file, edited);
  };

  beforeAll(async () => {
    // The installer is idempotent: after the first run this only checks `helm version`.
    execFileSync(process.execPath, [join(root, 'tools', 'charts', 'install-helm.mjs')], { stdio: 'pipe', timeout: 120_000 });
    report = await checkCharts({
      helm,
      chartsDir: join(root, 'charts'),
      environmentsDir: join(root, 'k8s', 'environments'),
      clusterDir: join(root, 'k8s', 'cluster'),
    });
  }, 120_000);

  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  it('passes for every chart under every ci case and every environment', () => {
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    for (const service of serviceNames) {
      const cases = report.renders.filter((render) => render.chart === service).map((render) => render.case);
      expect(cases).toEqual(expect.arrayContaining([...environments.map((env) => `env:${env}`), 'ci/default-values.yaml']));
    }
    expect(report.clusterObjects).toBeGreaterThanOrEqual(4);
  });

  it('renders lane-worker for prod as a KEDA ScaledObject on agent-tasks authenticated by workload identity', () => {
    const scaledObject = one(report, 'lane-worker', 'env:prod', 'ScaledObject');
    const deployment = one(report, 'lane-worker', 'env:prod', 'Deployment');
    const serviceAccount = one(report, 'lane-worker', 'env:prod', 'ServiceAccount');
    const auth = one(report, 'lane-worker', 'env:prod', 'TriggerAuthentication');

    expect(scaledObject['spec'].scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment['metadata'].name });
    expect(scaledObject['spec']).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 30, cooldownPeriod: 300 });
    expect(scaledObject['spec'].triggers).toEqual([
      {
        type: 'azure-servicebus',
        metadata: { namespace: 'leaf-prod-sb', queueName: 'agent-tasks', messageCount: '5', activationMessageCount: '0', cloud: 'AzurePublicCloud' },
        authenticationRef: { name: auth['metadata'].name },
      },
    ]);
    // KEDA authenticates as the service's own managed identity: no connection string anywhere.
    expect(auth['spec']).toEqual({
      podIdentity: { provider: 'azure-workload', identityId: serviceAccount['metadata'].annotations['azure.workload.identity/client-id'] },
    });
    // KEDA owns the replica count; a fixed count would reset it on every upgrade.
    expect(deployment['spec'].replicas).toBeUndefined();
    expect(find(report, 'lane-worker', 'env:prod', 'HorizontalPodAutoscaler')).toEqual([]);
    expect(deployment['spec'].template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(deployment['spec'].template.spec.serviceAccountName).toBe(serviceAccount['metadata'].name);
  });

  it('mounts Key Vault through a SecretProviderClass bound to the workload identity', () => {
    const spc = one(report, 'claims-runtime', 'env:prod', 'SecretProviderClass');
    const serviceAccount = one(report, 'claims-runtime', 'env:prod', 'ServiceAccount');
    const deployment = one(report, 'claims-runtime', 'env:prod', 'Deployment');
    const clientId = serviceAccount['metadata'].annotations['azure.workload.identity/client-id'];

    expect(spc['spec'].provider).toBe('azure');
    expect(spc['spec'].parameters).toMatchObject({ usePodIdentity: 'false', clientID: clientId, keyvaultName: 'leaf-prod-kv' });
    expect(spc['spec'].parameters.objects).toContain('objectName: leaf-database-url');
    const [synced] = spc['spec'].secretObjects;
    expect(synced.data).toEqual([
      { objectName: 'leaf-internal-identity-key', key: 'LEAF_INTERNAL_IDENTITY_KEY' },
      { objectName: 'leaf-database-url', key: 'LEAF_DATABASE_URL' },
      { objectName: 'leaf-claims-source-url', key: 'LEAF_CLAIMS_SOURCE_URL' },
    ]);

    const pod = deployment['spec'].template.spec;
    const csi = pod.volumes.find((volume: Json) => volume['csi']);
    expect(csi.csi).toMatchObject({ driver: 'secrets-store.csi.k8s.io', volumeAttributes: { secretProviderClass: spc['metadata'].name } });
    expect(pod.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ name: csi.name }));
    expect(pod.containers[0].env).toContainEqual({
      name: 'LEAF_DATABASE_URL',
      valueFrom: { secretKeyRef: { name: synced.secretName, key: 'LEAF_DATABASE_URL' } },
    });
    expect(find(report, 'claims-runtime', 'env:prod', 'Secret')).toEqual([]);
  });

  it('takes the identity key, database URL, issuer and Graph settings from Key Vault in every deployed environment, never from plain values', () => {
    for (const environment of environments) {
      for (const service of serviceNames) {
        const env = one(report, service, `env:${environment}`, 'Deployment')['spec'].template.spec.containers[0].env as Json[];
        const fromKeyVault = env.filter((e) => e['valueFrom']?.secretKeyRef?.name === `${service}-kv`).map((e) => e['name']);
        expect(fromKeyVault).toEqual(expect.arrayContaining(['LEAF_INTERNAL_IDENTITY_KEY', 'LEAF_DATABASE_URL']));
        const config = one(report, service, `env:${environment}`, 'ConfigMap')['data'];
        expect(Object.keys(config)).not.toContain('LEAF_INTERNAL_IDENTITY_KEY');
      }
      const gateway = one(report, 'gateway', `env:${environment}`, 'SecretProviderClass')['spec'].secretObjects[0].data.map((d: Json) => d['key']);
      expect(gateway).toEqual(expect.arrayContaining(['LEAF_ENTRA_TENANT_ID', 'LEAF_ENTRA_AUDIENCE']));
      expect(one(report, 'gateway', `env:${environment}`, 'ConfigMap')['data'].LEAF_AUTH_ISSUERS).toBe('entra');
      const packets = one(report, 'contract-packets', `env:${environment}`, 'SecretProviderClass')['spec'].secretObjects[0].data.map((d: Json) => d['key']);
      expect(packets).toEqual(expect.arrayContaining(['LEAF_GRAPH_TENANT_ID', 'LEAF_GRAPH_CLIENT_ID', 'LEAF_GRAPH_CLIENT_SECRET', 'LEAF_GRAPH_DRIVE_ID']));
    }
  });

  it('fails a deployed environment whose gateway lacks its Key Vault settings, trusts the dev issuer, or sets a secret in plain values', async () => {
    const environmentsDir = mkdtempSync(join(tmpdir(), 'leaf-broken-env-'));
    scratch.push(environmentsDir);
    mkdirSync(join(environmentsDir, 'test'));
    cpSync(join(root, 'k8s', 'environments', 'test', 'common.values.yaml'), join(environmentsDir, 'test', 'common.values.yaml'));
    // What the test environment shipped before: no Key Vault, dev issuer, an issuer setting in the ConfigMap.
    writeFileSync(
      join(environmentsDir, 'test', 'gateway.values.yaml'),
      'keyVault:\n  enabled: false\n  secrets: []\nconfig:\n  LEAF_AUTH_ISSUERS: dev,entra\n  LEAF_ENTRA_AUDIENCE: api://leaf-platform\n',
    );
    const chartsDir = brokenCopy(() => undefined, ['leaf-service', 'gateway']);
    const broken = await checkCharts({ helm, chartsDir, environmentsDir });
    const messages = broken.findings.filter((f) => f.case === 'env:test').map((f) => `${f.rule}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'key-vault-secrets: no SecretProviderClass: LEAF_INTERNAL_IDENTITY_KEY, LEAF_DATABASE_URL, LEAF_ENTRA_TENANT_ID, LEAF_ENTRA_AUDIENCE must come from Key Vault',
        'key-vault-secrets: LEAF_AUTH_ISSUERS includes dev: only a laptop (LEAF_ENV=local) may trust the dev issuer',
        'key-vault-secrets: LEAF_INTERNAL_IDENTITY_KEY is not synced from Key Vault (keyVault.secrets has no entry for it)',
        'no-plain-secrets: LEAF_ENTRA_AUDIENCE is set in plain values; it must come from Key Vault',
      ]),
    );
    // The chart's own ci case (no environment) is not held to it.
    expect(broken.findings.filter((f) => f.case.startsWith('ci/'))).toEqual([]);
  }, 60_000);

  it('gives every Deployment health probes, resources, a non-root read-only security context and a grace beyond its drain', () => {
    const deployments = report.renders.flatMap((render) => render.objects.filter((object) => object.kind === 'Deployment')) as Json[];
    expect(deployments.length).toBe(report.renders.length);
    for (const deployment of deployments) {
      const pod = deployment['spec'].template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      for (const container of pod.containers) {
        expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        expect(container.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
        expect(container.resources.limits.memory).toBeDefined();
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        const drainMs = Number(container.env.find((env: Json) => env['name'] === 'LEAF_SHUTDOWN_GRACE_MS').value);
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainMs / 1000);
      }
    }
  });

  it('renders the long lane as a ScaledJob whose pods the Service and PodDisruptionBudget do not select', () => {
    const scaledJob = one(report, 'lane-worker', 'ci/long-lane-values.yaml', 'ScaledJob');
    const service = one(report, 'lane-worker', 'ci/long-lane-values.yaml', 'Service');
    const jobLabels = scaledJob['spec'].jobTargetRef.template.metadata.labels;
    expect(scaledJob['spec'].triggers[0]).toMatchObject({ type: 'azure-servicebus', metadata: { queueName: 'agent-tasks-long' } });
    expect(Object.entries(service['spec'].selector).every(([key, value]) => jobLabels[key] === value)).toBe(false);
  });

  it('renders prod with both lanes: the Deployment on agent-tasks, one Job per agent-tasks-long message as the workload identity, a workspace for the largest long kind', () => {
    expect(one(report, 'lane-worker', 'env:prod', 'ConfigMap')['data']).toMatchObject({ LEAF_LANE_QUEUE: 'agent-tasks' });
    expect(one(report, 'lane-worker', 'env:prod', 'ScaledObject')['spec'].triggers[0].metadata.queueName).toBe('agent-tasks');
    const scaledJob = one(report, 'lane-worker', 'env:prod', 'ScaledJob');
    expect(scaledJob['spec'].triggers).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ queueName: 'agent-tasks-long', messageCount: '1' }) }),
    ]);
    const template = scaledJob['spec'].jobTargetRef.template;
    expect(template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(template.spec.serviceAccountName).toBe('lane-worker');
    expect(template.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'LEAF_LANE_QUEUE', value: 'agent-tasks-long' },
        { name: 'LEAF_LANE_WORKER_ONE_TASK', value: 'true' },
        { name: 'LEAF_TASK_WORKSPACE_DIR', value: '/workspace' },
      ]),
    );
    const workspace = template.spec.volumes.find((v: Json) => v['name'] === 'workspace');
    expect(workspace.ephemeral.volumeClaimTemplate.spec.resources.requests.storage).toBe('8Gi');
    for (const environment of environments)
      expect(
        laneFindings(
          'lane-worker',
          `env:${environment}`,
          report.renders.find((r) => r.chart === 'lane-worker' && r.case === `env:${environment}`)?.objects ?? [],
        ),
      ).toEqual([]);
  });

  it('gives the gateway a read-only Role over the workloads, bound to its ServiceAccount, and the token only where it reads the API', () => {
    for (const environment of environments) {
      const role = one(report, 'gateway', `env:${environment}`, 'Role');
      expect(role['rules'].flatMap((r: Json) => r['verbs']).every((v: string) => v === 'get' || v === 'list')).toBe(true);
      expect(role['rules'].flatMap((r: Json) => r['resources'])).not.toContain('secrets');
      const binding = one(report, 'gateway', `env:${environment}`, 'RoleBinding');
      expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'gateway', namespace: `leaf-${environment}` }]);
      const pod = one(report, 'gateway', `env:${environment}`, 'Deployment')['spec'].template.spec;
      expect(pod.volumes.map((v: Json) => v['name'])).toContain('kube-api-access');
    }
    expect(find(report, 'lane-worker', 'env:prod', 'Role')).toEqual([]);
    expect(one(report, 'lane-worker', 'env:prod', 'Deployment')['spec'].template.spec.volumes.map((v: Json) => v['name'])).not.toContain('kube-api-access');
  });

  it('the lanes rule names a Job that runs many tasks, listens on the wrong queue or is too small for a long kind', () => {
    const objects = structuredClone(report.renders.find((r) => r.chart === 'lane-worker' && r.case === 'env:prod')?.objects ?? []) as Json[];
    const scaledJob = objects.find((o) => o['kind'] === 'ScaledJob') as Json;
    const container = scaledJob['spec'].jobTargetRef.template.spec.containers[0];
    container.env = container.env.filter((e: Json) => e['name'] !== 'LEAF_LANE_WORKER_ONE_TASK');
    scaledJob['spec'].triggers[0].metadata.queueName = 'agent-tasks';
    const messages = laneFindings('lane-worker', 'env:prod', objects as K8sObject[], [{ kind: 'huge.kind', lane: 'long', workspaceGi: 64 } as never]).map(
      (f) => f.message,
    );
    expect(messages).toEqual([
      'triggers on agent-tasks, not agent-tasks-long',
      'the Job does not run one task per Job (LEAF_LANE_WORKER_ONE_TASK)',
      'the workspace is 8Gi but huge.kind needs 64Gi',
    ]);
  });

  it("sizes the long lane's workspace per lane: the largest kind by default, the lane's own sizeGi when set; one too small for a kind, or zero, fails", async () => {
    const storage = (caseName: string) =>
      one(report, 'lane-worker', caseName, 'ScaledJob')['spec'].jobTargetRef.template.spec.volumes.find((v: Json) => v['name'] === 'workspace').ephemeral
        .volumeClaimTemplate.spec.resources.requests.storage;
    // Default unchanged: the chart's largest giByKind (claims.reconcile: 4).
    expect(storage('ci/long-lane-values.yaml')).toBe('4Gi');
    expect(storage('ci/workspace-size-values.yaml')).toBe('16Gi');
    const sized = report.renders.find((r) => r.chart === 'lane-worker' && r.case === 'ci/workspace-size-values.yaml')?.objects ?? [];
    expect(laneFindings('lane-worker', 'ci/workspace-size-values.yaml', sized)).toEqual([]);

    const environmentsDir = mkdtempSync(join(tmpdir(), 'leaf-small-workspace-env-'));
    scratch.push(environmentsDir);
    mkdirSync(join(environmentsDir, 'prod'));
    cpSync(join(root, 'k8s', 'environments', 'prod', 'common.values.yaml'), join(environmentsDir, 'prod', 'common.values.yaml'));
    writeFileSync(
      join(environmentsDir, 'prod', 'lane-worker.values.yaml'),
      readFileSync(join(root, 'k8s', 'environments', 'prod', 'lane-worker.values.yaml'), 'utf8').replace(
        '      storageClassName: managed-csi\n',
        '      storageClassName: managed-csi\n      sizeGi: 2\n',
      ),
    );
    const chartsDir = brokenCopy((dir) =>
      writeFileSync(join(dir, 'lane-worker', 'ci', 'zero-workspace-values.yaml'), 'keda:\n  longLane:\n    workspace:\n      sizeGi: 0\n'),
    );
    const broken = await checkCharts({ helm, chartsDir, environmentsDir });
    expect(broken.findings).toContainEqual(
      expect.objectContaining({ case: 'env:prod', rule: 'lanes', message: 'the workspace is 2Gi but claims.reconcile needs 4Gi' }),
    );
    expect(broken.findings).toContainEqual(
      expect.objectContaining({ case: 'ci/zero-workspace-values.yaml', rule: 'helm-lint', message: expect.stringContaining('sizeGi') }),
    );
  }, 120_000);

  it('fails a chart whose library template drops the readiness probe', async () => {
    const chartsDir = brokenCopy((dir) =>
      replaceIn(join(dir, 'leaf-service', 'templates', '_deployment.tpl'), / {10}readinessProbe:\n( {12}.*\n)+?(?= {10}lifecycle:)/, ''),
    );
    const broken = await checkCharts({ helm, chartsDir, environmentsDir: join(root, 'k8s', 'environments') });
    expect(broken.ok).toBe(false);
    const probeFindings = broken.findings.filter((finding) => finding.rule === 'probes');
    expect(probeFindings.map((finding) => finding.case).sort()).toEqual(broken.renders.map((render) => render.case).sort());
    expect(probeFindings[0]).toMatchObject({ chart: 'lane-worker', object: 'Deployment/lane-worker', message: 'container lane-worker: no readinessProbe' });
  });

  it('fails a KEDA object that helm lint accepts but the KEDA schema rejects', async () => {
    const chartsDir = brokenCopy((dir) =>
      replaceIn(
        join(dir, 'leaf-service', 'templates', '_keda.tpl'),
        'pollingInterval: {{ $so.pollingInterval }}',
        'pollingInterval: {{ $so.pollingInterval | quote }}',
      ),
    );
    const broken = await checkCharts({ helm, chartsDir, environmentsDir: join(root, 'k8s', 'environments') });
    expect(broken.findings.some((finding) => finding.rule.startsWith('helm-'))).toBe(false);
    expect(broken.findings).toContainEqual(
      expect.objectContaining({
        case: 'env:prod',
        object: 'ScaledObject/lane-worker',
        rule: 'schema',
        message: expect.stringContaining('pollingInterval must be integer'),
      }),
    );
  });

  it('exits non-zero naming each problem: no values schema, a latest tag, a password in plain config', async () => {
    const environmentsDir = mkdtempSync(join(tmpdir(), 'leaf-broken-env-'));
    scratch.push(environmentsDir);
    mkdirSync(join(environmentsDir, 'prod'));
    cpSync(join(root, 'k8s', 'environments', 'prod', 'common.values.yaml'), join(environmentsDir, 'prod', 'common.values.yaml'));
    writeFileSync(
      join(environmentsDir, 'prod', 'lane-worker.values.yaml'),
      `${readFileSync(join(root, 'k8s', 'environments', 'prod', 'lane-worker.values.yaml'), 'utf8')}\nconfig:\n  LEAF_DATABASE_URL: postgres://leaf:hunter2@db.internal/leaf\n`,
    );
    const chartsDir = brokenCopy((dir) => {
      // Without the values schema, helm accepts the tag and only the policy rule can catch it.
      rmSync(join(dir, 'lane-worker', 'values.schema.json'));
      writeFileSync(join(dir, 'lane-worker', 'ci', 'latest-values.yaml'), 'image:\n  tag: latest\n');
    });

    const run = execFileAsync(
      process.execPath,
      ['-r', '@swc-node/register', join(root, 'tools', 'charts', 'main.ts'), '--charts-dir', chartsDir, '--environments-dir', environmentsDir],
      { cwd: root, env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.run.json' } },
    );
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('lane-worker [values.yaml] - values-schema: no values.schema.json');
    expect(failure?.stderr).toContain(
      'lane-worker [ci/latest-values.yaml] Deployment/lane-worker image-tag: container lane-worker: image leafacr.azurecr.io/leaf/lane-worker:latest uses the mutable "latest" tag',
    );
    expect(failure?.stderr).not.toContain('[ci/default-values.yaml]');
    expect(failure?.stderr).toContain('lane-worker [env:prod] ConfigMap/lane-worker no-plain-secrets: data LEAF_DATABASE_URL holds a password in a URL');
    expect(failure?.stderr).toMatch(/charts:check FAILED: \d+ problem\(s\)/);
  }, 60_000);
});
