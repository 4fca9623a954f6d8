import type { K8sObject } from './k8s-object';
import { policyViolations } from './manifest-policy.rules';

const compliantContainer = {
  name: 'app',
  image: 'leafacr.azurecr.io/leaf/app:3f2c1a9',
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
  livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
  readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
  env: [{ name: 'LEAF_SHUTDOWN_GRACE_MS', value: '25000' }],
};

const deployment = (container: Record<string, unknown>, pod: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app' },
  spec: {
    template: {
      spec: { securityContext: { runAsNonRoot: true, runAsUser: 10001 }, terminationGracePeriodSeconds: 35, containers: [container], ...pod },
    },
  },
});

const rules = (object: K8sObject) => policyViolations(object).map((violation) => `${violation.rule}: ${violation.message}`);

describe('manifest policy', () => {
  it('accepts a compliant Deployment', () => {
    expect(rules(deployment(compliantContainer))).toEqual([]);
  });

  it.each([
    ['leafacr.azurecr.io/leaf/app:latest', 'image-tag: container app: image leafacr.azurecr.io/leaf/app:latest uses the mutable "latest" tag'],
    ['registry:5000/leaf/app', 'image-tag: container app: image registry:5000/leaf/app has no tag (implicitly latest)'],
  ])('rejects the image %s', (image, expected) => {
    expect(rules(deployment({ ...compliantContainer, image }))).toEqual([expected]);
  });

  it('accepts an image pinned by digest only', () => {
    expect(rules(deployment({ ...compliantContainer, image: `leaf/app@sha256:${'a'.repeat(64)}` }))).toEqual([]);
  });

  it('names missing resources, root, escalation and probes', () => {
    const { resources: _resources, livenessProbe: _liveness, ...bare } = compliantContainer;
    expect(rules(deployment({ ...bare, securityContext: { runAsUser: 0 } }, { securityContext: {} }))).toEqual([
      'resources: container app: resources missing requests.cpu, requests.memory, limits.memory',
      'non-root: container app: runAsNonRoot is not true',
      'non-root: container app: runs as uid 0',
      'non-root: container app: allowPrivilegeEscalation is not false',
      'read-only-root: container app: readOnlyRootFilesystem is not true',
      'probes: container app: no livenessProbe',
    ]);
  });

  it('rejects a termination grace that does not outlast the drain', () => {
    expect(rules(deployment(compliantContainer, { terminationGracePeriodSeconds: 25 }))).toEqual([
      'termination-grace: container app: terminationGracePeriodSeconds 25 does not exceed the 25000 ms drain',
    ]);
  });

  it.each([
    ['LEAF_DATABASE_URL', 'mssql://leaf.database.windows.net/leaf?authentication=azure-default', undefined],
    ['LEAF_DATABASE_URL', 'Server=tcp:leaf;Database=leaf;Password=hunter2', 'holds a password in a connection string'],
    ['LEAF_LAKE_URL', 'DefaultEndpointsProtocol=https;AccountName=leaf;AccountKey=abc123==', 'holds a storage or Service Bus key'],
    ['SALESFORCE_CLIENT_SECRET', 'abc', 'looks like a credential but has a literal value'],
  ])('checks ConfigMap %s=%s for secrets', (key, value, problem) => {
    const configMap: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app' }, data: { [key]: value } };
    expect(rules(configMap)).toEqual(problem ? [`no-plain-secrets: data ${key} ${problem}`] : []);
  });

  it('rejects any Secret object and secret literals in container env', () => {
    expect(rules({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' } })).toEqual([
      'no-plain-secrets: a Secret in a manifest; secrets come from Key Vault through the CSI driver',
    ]);
    const env = [...compliantContainer.env, { name: 'API_TOKEN', value: 'abc' }];
    expect(rules(deployment({ ...compliantContainer, env }))).toEqual([
      'no-plain-secrets: container app: env API_TOKEN looks like a credential but has a literal value',
    ]);
  });

  it('applies pod rules to a KEDA ScaledJob template but requires probes only on Deployments', () => {
    const { livenessProbe: _l, readinessProbe: _r, ...job } = compliantContainer;
    const scaledJob: K8sObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledJob',
      metadata: { name: 'long' },
      spec: {
        jobTargetRef: {
          template: { spec: { securityContext: { runAsNonRoot: true }, terminationGracePeriodSeconds: 35, containers: [{ ...job, image: 'x:latest' }] } },
        },
      },
    };
    expect(rules(scaledJob)).toEqual(['image-tag: container app: image x:latest uses the mutable "latest" tag']);
  });
});
