import { parseArgs } from 'node:util';

export interface VerifyArgs {
  namespace: string;
  timeoutSeconds: number;
  intervalSeconds: number;
  /** API server and token instead of the kubeconfig (the token from LEAF_KUBE_TOKEN, never a flag: flags end up in logs). */
  server?: string;
  insecureHttp: boolean;
}

export class VerifyArgsError extends Error {}

const usage = 'usage: npm run deploy:verify -- --namespace <ns> [--timeout <seconds>] [--interval <seconds>] [--server <url> (token in LEAF_KUBE_TOKEN)]';

/** `--namespace` is required; the rest have defaults that fit a Helm upgrade with --wait off. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        namespace: { type: 'string', short: 'n' },
        timeout: { type: 'string' },
        interval: { type: 'string' },
        server: { type: 'string' },
        'insecure-http': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new VerifyArgsError(`${(error as Error).message}\n${usage}`);
  }
  const namespace = values.namespace;
  if (!namespace || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    throw new VerifyArgsError(`--namespace must name a Kubernetes namespace\n${usage}`);
  const seconds = (name: string, raw: string | undefined, fallback: number, max: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new VerifyArgsError(`--${name} must be a whole number of seconds from 1 to ${max}\n${usage}`);
    return n;
  };
  return {
    namespace,
    timeoutSeconds: seconds('timeout', values.timeout, 600, 3_600),
    intervalSeconds: seconds('interval', values.interval, 5, 300),
    server: values.server,
    insecureHttp: values['insecure-http'] ?? false,
  };
}
