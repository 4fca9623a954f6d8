import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

/** The collections the fake serves, by their real REST paths (`{ns}` is the namespace). */
const collections = {
  deployments: { prefix: '/apis/apps/v1', plural: 'deployments', listKind: 'DeploymentList', apiVersion: 'apps/v1' },
  pods: { prefix: '/api/v1', plural: 'pods', listKind: 'PodList', apiVersion: 'v1' },
  services: { prefix: '/api/v1', plural: 'services', listKind: 'ServiceList', apiVersion: 'v1' },
  jobs: { prefix: '/apis/batch/v1', plural: 'jobs', listKind: 'JobList', apiVersion: 'batch/v1' },
  scaledobjects: { prefix: '/apis/keda.sh/v1alpha1', plural: 'scaledobjects', listKind: 'ScaledObjectList', apiVersion: 'keda.sh/v1alpha1' },
  scaledjobs: { prefix: '/apis/keda.sh/v1alpha1', plural: 'scaledjobs', listKind: 'ScaledJobList', apiVersion: 'keda.sh/v1alpha1' },
} as const;
export type FakeCollection = keyof typeof collections;

/** What a service's proxied path answers: `GET /api/v1/namespaces/{ns}/services/{name}:{port}/proxy/{path}` (or `…/proxy?path=`). */
export type ProxyAnswer = { status: number; body: string };

export interface FakeKubernetesRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

/** A `metav1.Status` error body, as the API server answers a refused or missing request. */
const status = (code: number, reason: string, message: string): Json => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

/** `a=b,c=d` and `a!=b`: the equality-based label selectors the callers use. */
function matchesSelector(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector
    .split(',')
    .filter(Boolean)
    .every((term) => {
      const notEqual = term.split('!=');
      if (notEqual.length === 2) return labels[notEqual[0].trim()] !== notEqual[1].trim();
      const [key, value] = term.split(/==?/).map((s) => s.trim());
      return value === undefined ? key in labels : labels[key] === value;
    });
}

/**
 * A Kubernetes API server on loopback (plain HTTP: a client connects with skipTLSVerify) speaking the REST shapes the operations API and
 * `deploy:verify` use: namespaced lists (Deployments, Pods, Services, Jobs, KEDA ScaledObjects
 * and ScaledJobs) with label selectors, single gets, the service proxy, bearer-token
 * authentication and `Status` errors. Objects are stored as given: a spec builds them in the
 * real API's shape and changes them while a caller polls.
 */
export class FakeKubernetes {
  readonly requests: FakeKubernetesRequest[] = [];
  private readonly store = new Map<string, Json>();
  private readonly proxies = new Map<string, ProxyAnswer>();
  private resourceVersion = 1;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(options: { token?: string } = {}): Promise<FakeKubernetes> {
    const token = options.token ?? 'fake-kubernetes-token';
    const holder: { fake?: FakeKubernetes } = {};
    const server = createServer((req, res) => holder.fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.fake = new FakeKubernetes(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token);
    return holder.fake;
  }

  /** Creates or replaces an object (its namespace and name from its metadata). */
  put(collection: FakeCollection, object: Json): void {
    const metadata = (object['metadata'] ?? {}) as Json;
    const key = `${collection}/${String(metadata['namespace'])}/${String(metadata['name'])}`;
    const { listKind, apiVersion } = collections[collection];
    this.store.set(key, {
      apiVersion,
      kind: listKind.replace(/List$/, ''),
      ...object,
      metadata: { uid: `uid-${key}`, resourceVersion: String(this.resourceVersion++), creationTimestamp: new Date().toISOString(), ...metadata },
    });
  }

  remove(collection: FakeCollection, namespace: string, name: string): void {
    this.store.delete(`${collection}/${namespace}/${name}`);
  }

  /** What GET on the service proxy answers for `<service>:<port>` and path (e.g. `/health/ready`). */
  proxy(namespace: string, service: string, port: string | number, path: string, answer: ProxyAnswer): void {
    this.proxies.set(`${namespace}/${service}:${port}${path}`, answer);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(res: ServerResponse, code: number, body: Json | string, type = 'application/json'): void {
    res.writeHead(code, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (req.method !== 'GET') {
      this.send(res, 405, status(405, 'MethodNotAllowed', `${req.method} is not supported by this fake`));
      return;
    }
    // The proxy's path is in the URL, or in `?path=` (ServiceProxyOptions), as the client sends it.
    const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/.exec(url.pathname);
    if (proxy) {
      const [, namespace, target] = proxy;
      const path = proxy[3] ?? query['path'] ?? '/';
      const answer = this.proxies.get(`${namespace}/${decodeURIComponent(target)}${path}`);
      if (!answer) this.send(res, 503, status(503, 'ServiceUnavailable', `no endpoints available for service "${decodeURIComponent(target)}"`));
      else this.send(res, answer.status, answer.body, 'application/json');
      return;
    }
    for (const [collection, { prefix, plural, listKind, apiVersion }] of Object.entries(collections) as Array<
      [FakeCollection, (typeof collections)[FakeCollection]]
    >) {
      const match = new RegExp(`^${prefix.replace(/\./g, '\\.')}/namespaces/([^/]+)/${plural}(?:/([^/]+))?$`).exec(url.pathname);
      if (!match) continue;
      const [, namespace, name] = match;
      if (name) {
        const object = this.store.get(`${collection}/${namespace}/${name}`);
        if (object) this.send(res, 200, object);
        else this.send(res, 404, status(404, 'NotFound', `${plural} "${name}" not found`));
        return;
      }
      const items = [...this.store.entries()]
        .filter(([key]) => key.startsWith(`${collection}/${namespace}/`))
        .map(([, object]) => object)
        .filter((object) => matchesSelector(((object['metadata'] as Json)['labels'] ?? {}) as Record<string, string>, query['labelSelector']));
      this.send(res, 200, { kind: listKind, apiVersion, metadata: { resourceVersion: String(this.resourceVersion) }, items });
      return;
    }
    this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }
}
