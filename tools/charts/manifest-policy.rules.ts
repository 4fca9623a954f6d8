import type { K8sObject } from './k8s-object';

/** One policy violation in one object. */
export interface PolicyViolation {
  rule: string;
  message: string;
}

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asRecord) : []);
const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, key) => asRecord(v)[key], value);

/** Where each workload kind keeps its pod spec. */
export function podSpecOf(object: K8sObject): Json | undefined {
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return asRecord(at(object, 'spec', 'template', 'spec'));
    case 'CronJob':
      return asRecord(at(object, 'spec', 'jobTemplate', 'spec', 'template', 'spec'));
    case 'ScaledJob':
      return asRecord(at(object, 'spec', 'jobTargetRef', 'template', 'spec'));
    case 'Pod':
      return asRecord(object['spec']);
    default:
      return undefined;
  }
}

// Names that say "this is a credential"; a literal value under such a name is a leaked secret.
const secretName = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|ACCOUNT_?KEY|CONNECTION_?STRING|PRIVATE_?KEY|CREDENTIAL)/i;
// Values that carry a credential whatever they are called.
const secretValue = [
  { name: 'storage or Service Bus key', pattern: /(AccountKey|SharedAccessKey|SharedAccessSignature)=/i },
  { name: 'password in a connection string', pattern: /(^|;)\s*(password|pwd)\s*=/i },
  { name: 'password in a URL', pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
  { name: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./ },
  { name: 'SAS signature', pattern: /[?&]sig=[A-Za-z0-9%]{16,}/ },
];

function secretProblem(name: string, value: string): string | undefined {
  const hit = secretValue.find((candidate) => candidate.pattern.test(value));
  if (hit) return `${name} holds a ${hit.name}`;
  if (secretName.test(name) && value.trim() !== '') return `${name} looks like a credential but has a literal value`;
  return undefined;
}

function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'has no image';
  if (image.includes('@sha256:')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return `image ${image} has no tag (implicitly latest)`;
  if (lastSegment.slice(colon + 1) === 'latest') return `image ${image} uses the mutable "latest" tag`;
  return undefined;
}

function containerViolations(object: K8sObject, podSpec: Json): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const podSecurity = asRecord(podSpec['securityContext']);
  const containers = [...asArray(podSpec['initContainers']), ...asArray(podSpec['containers'])];
  if (containers.length === 0) violations.push({ rule: 'containers', message: 'pod spec has no containers' });
  for (const container of containers) {
    const name = `container ${String(container['name'])}`;
    const image = imageProblem(container['image']);
    if (image) violations.push({ rule: 'image-tag', message: `${name}: ${image}` });

    const requests = asRecord(at(container, 'resources', 'requests'));
    const limits = asRecord(at(container, 'resources', 'limits'));
    const missing = [
      requests['cpu'] === undefined && 'requests.cpu',
      requests['memory'] === undefined && 'requests.memory',
      limits['memory'] === undefined && 'limits.memory',
    ].filter(Boolean);
    if (missing.length > 0) violations.push({ rule: 'resources', message: `${name}: resources missing ${missing.join(', ')}` });

    const security = asRecord(container['securityContext']);
    const runAsNonRoot = security['runAsNonRoot'] ?? podSecurity['runAsNonRoot'];
    const runAsUser = security['runAsUser'] ?? podSecurity['runAsUser'];
    if (runAsNonRoot !== true) violations.push({ rule: 'non-root', message: `${name}: runAsNonRoot is not true` });
    if (runAsUser === 0) violations.push({ rule: 'non-root', message: `${name}: runs as uid 0` });
    if (security['allowPrivilegeEscalation'] !== false) {
      violations.push({ rule: 'non-root', message: `${name}: allowPrivilegeEscalation is not false` });
    }
    if (security['privileged'] === true) violations.push({ rule: 'non-root', message: `${name}: is privileged` });
    if (security['readOnlyRootFilesystem'] !== true) {
      violations.push({ rule: 'read-only-root', message: `${name}: readOnlyRootFilesystem is not true` });
    }

    for (const env of asArray(container['env'])) {
      if (typeof env['value'] !== 'string') continue;
      const problem = secretProblem(String(env['name']), env['value']);
      if (problem) violations.push({ rule: 'no-plain-secrets', message: `${name}: env ${problem}` });
    }

    if (object.kind === 'Deployment' && !asArray(podSpec['initContainers']).includes(container)) {
      for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
        if (!container[probe]) violations.push({ rule: 'probes', message: `${name}: no ${probe}` });
      }
    }
  }
  return violations;
}

/**
 * Policy every rendered object must meet: no `latest` or untagged images, resources set, non-root
 * and no privilege escalation, read-only root filesystem, probes on Deployments, a termination
 * grace longer than the app's drain, and no secret values in plain manifests.
 */
export function policyViolations(object: K8sObject): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if (object.kind === 'Secret') {
    violations.push({ rule: 'no-plain-secrets', message: 'a Secret in a manifest; secrets come from Key Vault through the CSI driver' });
  }
  if (object.kind === 'ConfigMap') {
    for (const [key, value] of Object.entries(asRecord(object['data']))) {
      const problem = typeof value === 'string' ? secretProblem(key, value) : undefined;
      if (problem) violations.push({ rule: 'no-plain-secrets', message: `data ${problem}` });
    }
  }
  const podSpec = podSpecOf(object);
  if (!podSpec) return violations;
  violations.push(...containerViolations(object, podSpec));

  // The pod must outlive the app's own drain, or Kubernetes SIGKILLs work in flight.
  const grace = typeof podSpec['terminationGracePeriodSeconds'] === 'number' ? podSpec['terminationGracePeriodSeconds'] : 30;
  for (const container of asArray(podSpec['containers'])) {
    const drain = asArray(container['env']).find((env) => env['name'] === 'LEAF_SHUTDOWN_GRACE_MS');
    const drainMs = Number(drain?.['value']);
    if (Number.isFinite(drainMs) && drainMs / 1000 >= grace) {
      violations.push({
        rule: 'termination-grace',
        message: `container ${String(container['name'])}: terminationGracePeriodSeconds ${grace} does not exceed the ${drainMs} ms drain`,
      });
    }
  }
  return violations;
}
