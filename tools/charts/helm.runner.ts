import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { ChartsCheckError } from './charts-check.error';
import { type K8sObject, k8sObjectSchema } from './k8s-object';

const execFileAsync = promisify(execFile);

export interface HelmResult {
  ok: boolean;
  output: string;
}

/** Runs helm; a non-zero exit is a result (the chart is broken), a missing binary is an error. */
export async function runHelm(helm: string, args: readonly string[], cwd?: string): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await execFileAsync(helm, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT') {
      throw new ChartsCheckError('HELM_MISSING', `helm not found at ${helm} (run tools/charts/install-helm.mjs)`, { cause: error });
    }
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim() || failed.message };
  }
}

/** Parses `helm template` output (or a manifest file) into objects, dropping empty documents. */
export function parseManifests(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new ChartsCheckError('BAD_MANIFEST', `${source}: ${doc.errors[0]?.message ?? 'invalid YAML'}`, { cause: doc.errors[0] });
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const parsed = k8sObjectSchema.safeParse(value);
    if (!parsed.success) {
      throw new ChartsCheckError('BAD_MANIFEST', `${source}: a document is not a Kubernetes object (${parsed.error.issues[0]?.message})`, {
        cause: parsed.error,
      });
    }
    objects.push(parsed.data as K8sObject);
  }
  return objects;
}
