import { parse } from 'yaml';
import type { ChartFinding, K8sObject } from './k8s-object';
import { objectRef } from './k8s-object';
import { podSpecOf } from './manifest-policy.rules';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asRecord) : []);

/**
 * Settings a deployed service may only get from Key Vault (through its SecretProviderClass, synced
 * to a Secret and read as environment variables): the key that signs internal identities, the
 * database URL, and each service's own credentials and endpoints. Without them a service falls
 * back to laptop defaults (the well-known identity key, an embedded database) or refuses to boot.
 */
export const keyVaultSettings: Readonly<Record<string, readonly string[]>> = {
  '*': ['LEAF_INTERNAL_IDENTITY_KEY', 'LEAF_DATABASE_URL'],
  'claims-runtime': ['LEAF_CLAIMS_SOURCE_URL'],
  'contract-packets': ['LEAF_GRAPH_TENANT_ID', 'LEAF_GRAPH_CLIENT_ID', 'LEAF_GRAPH_CLIENT_SECRET', 'LEAF_GRAPH_DRIVE_ID'],
};

/** The gateway's issuer settings, by the issuers its LEAF_AUTH_ISSUERS enables. */
export const issuerSettings: Readonly<Record<string, readonly string[]>> = {
  entra: ['LEAF_ENTRA_TENANT_ID', 'LEAF_ENTRA_AUDIENCE'],
  'cloudflare-access': ['LEAF_CF_ACCESS_TEAM_DOMAIN', 'LEAF_CF_ACCESS_AUD'],
};

const rule = 'key-vault-secrets';

/** Key Vault object names the SecretProviderClass fetches, and env name -> object name of what it syncs into which Secret. */
function synced(objects: readonly K8sObject[]): { secretName?: string; fetched: Set<string>; envs: Map<string, string> } {
  const spc = objects.find((o) => o.kind === 'SecretProviderClass');
  const spec = asRecord(spc?.['spec']);
  const objectsYaml = asRecord(spec['parameters'])['objects'];
  const fetched = new Set<string>();
  // `objects` is YAML in a string: `array:` of entries that are themselves YAML strings.
  const listed = typeof objectsYaml === 'string' ? asRecord(parse(objectsYaml))['array'] : undefined;
  for (const entry of Array.isArray(listed) ? listed : []) {
    const name = asRecord(typeof entry === 'string' ? parse(entry) : entry)['objectName'];
    if (typeof name === 'string') fetched.add(name);
  }
  const secretObject = asArray(spec['secretObjects'])[0] ?? {};
  const envs = new Map<string, string>();
  for (const item of asArray(secretObject['data'])) envs.set(String(item['key']), String(item['objectName']));
  return { secretName: typeof secretObject['secretName'] === 'string' ? secretObject['secretName'] : undefined, fetched, envs };
}

/**
 * For a deployed environment's rendering of a chart: every setting the service must get from Key
 * Vault is fetched by its SecretProviderClass, synced into its Secret and read from there by every
 * container; none of them (nor anything else Key Vault provides) is also set in plain values (the
 * ConfigMap or a literal env); and the gateway trusts no dev issuer and names the settings of the
 * issuers it does trust.
 */
export function keyVaultFindings(chart: string, caseName: string, objects: readonly K8sObject[]): ChartFinding[] {
  const findings: ChartFinding[] = [];
  const add = (object: string, message: string, ruleName = rule) => findings.push({ chart, case: caseName, object, rule: ruleName, message });
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
  const plain = new Map<string, string>();
  for (const map of configMaps) for (const [key, value] of Object.entries(asRecord(map['data']))) plain.set(key, String(value));

  const required = [...(keyVaultSettings['*'] ?? []), ...(keyVaultSettings[chart] ?? [])];
  if (chart === 'gateway') {
    const issuers = (plain.get('LEAF_AUTH_ISSUERS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (issuers.length === 0) add('ConfigMap/gateway', 'LEAF_AUTH_ISSUERS is not set: a deployed gateway must name its issuers (entra, cloudflare-access)');
    if (issuers.includes('dev')) add('ConfigMap/gateway', 'LEAF_AUTH_ISSUERS includes dev: only a laptop (LEAF_ENV=local) may trust the dev issuer');
    for (const issuer of issuers) required.push(...(issuerSettings[issuer] ?? []));
  }

  const { secretName, fetched, envs } = synced(objects);
  if (!objects.some((o) => o.kind === 'SecretProviderClass')) add('-', `no SecretProviderClass: ${required.join(', ')} must come from Key Vault`);

  const workloads = objects.filter((o) => podSpecOf(o));
  for (const setting of required) {
    const objectName = envs.get(setting);
    if (!objectName || !fetched.has(objectName)) {
      add('SecretProviderClass', `${setting} is not synced from Key Vault (keyVault.secrets has no entry for it)`);
      continue;
    }
    for (const workload of workloads) {
      for (const container of asArray(podSpecOf(workload)?.['containers'])) {
        const env = asArray(container['env']).find((e) => e['name'] === setting);
        const ref = asRecord(asRecord(env?.['valueFrom'])['secretKeyRef']);
        if (ref['name'] !== secretName || ref['key'] !== setting) {
          add(objectRef(workload), `container ${String(container['name'])} does not read ${setting} from the Key Vault Secret ${secretName ?? '(none)'}`);
        }
      }
    }
  }

  // A value in plain config would be both in git and in the ConfigMap, and would shadow nothing:
  // envFrom (the ConfigMap) and env (the Secret) would race for the same name.
  for (const setting of new Set([...required, ...envs.keys()])) {
    if (plain.has(setting))
      add(`ConfigMap/${String(configMaps[0]?.metadata.name ?? chart)}`, `${setting} is set in plain values; it must come from Key Vault`, 'no-plain-secrets');
    for (const workload of workloads) {
      for (const container of asArray(podSpecOf(workload)?.['containers'])) {
        const env = asArray(container['env']).find((e) => e['name'] === setting);
        if (env && typeof env['value'] === 'string')
          add(objectRef(workload), `container ${String(container['name'])} sets ${setting} as a literal; it must come from Key Vault`, 'no-plain-secrets');
      }
    }
  }
  return findings;
}
