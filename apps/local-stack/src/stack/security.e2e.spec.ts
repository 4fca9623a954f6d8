import { hostname } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@leaf/contracts';
import { devIssuerKeyFileName, loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { devInternalIdentityKey, internalIdentityKeyBytes, signIdentityToken } from '@leaf/platform';
import { AttackClient, type Answer } from './security/attack-client';
import { attackTokens } from './security/attack-tokens';
import { machinePaths, scanForLeaks } from './security/leak-scan';
import { startStackProcess, type StackProcess } from './security/stack-process';

/**
 * The attack suite: one local stack (its own process, as `npm start` runs it), attacked through
 * the gateway the way an outsider or a tenant would, case by case; the last case scans every
 * answer the suite got and every log line the stack wrote for anything that must not leave it.
 * README "Security" maps each trust boundary to the cases here.
 */
describe('security: the local stack under attack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-attack-'));
  // Budgets small enough to reach in a few requests; each case uses its own clients, callers and source addresses.
  const limits = 'work=6/60,mcp=60/60,authfail=30/60';
  let stack: StackProcess;
  let http: AttackClient;
  const secrets: string[] = [devInternalIdentityKey];
  let clients: Array<{ clientId: string; periods: Array<{ periodId: string }> }>;
  let A: string, B: string, C: string, D: string;
  let runA: string;
  let taskA: string;
  let packetA: string;
  let sfRequestA: string;
  // --- domo-takeover (h-domo) ---
  let domoExport: string;
  let domoComparison: string;
  // --- end domo-takeover ---

  const keys = () => loadOrCreateDevIssuerKeys(join(dataDir, 'dev-issuer'));
  const as = async (role: Role, scope: string[] | '*', subject: string) => {
    const token = await mintDevToken(keys(), { subject, roles: [role], clients: scope, ttlSeconds: 900 });
    secrets.push(token);
    return { authorization: `Bearer ${token}` };
  };
  const from = (address: string) => ({ 'x-forwarded-for': address });
  const until = async <T>(probe: () => Promise<T>, done: (value: T) => boolean, tries = 300): Promise<T> => {
    let value = await probe();
    for (let i = 0; i < tries && !done(value); i++) {
      await new Promise((r) => setTimeout(r, 100));
      value = await probe();
    }
    return value;
  };
  const mcp = (headers: Record<string, string>, messages: unknown) =>
    http.send('/mcp', { headers: { ...headers, accept: 'application/json, text/event-stream' }, body: messages });
  const toolCall = (id: number, name: string, args: Record<string, unknown>) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: args },
  });
  const toolAnswer = (answer: Answer) => JSON.parse(answer.body.result.content[0].text) as { code?: string };

  beforeAll(async () => {
    stack = await startStackProcess(
      { LEAF_DATA_DIR: dataDir, LEAF_SEED_CLAIMS: '3000', LOG_LEVEL: 'info', LEAF_RATE_LIMITS: limits, LEAF_TRUSTED_PROXY_HOPS: '1' },
      25_000 + (process.pid % 5_000),
    );
    http = new AttackClient(stack.gatewayUrl);
    secrets.push(
      readFileSync(join(dataDir, 'dev-issuer', devIssuerKeyFileName), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join(''),
    );
    const opAll = await as('operator', '*', 'sec-operator');
    clients = (await http.send('/v1/clients', { headers: opAll })).body.items;
    [A, B, C, D] = clients.map((c) => c.clientId);
    const opA = await as('operator', [A], 'sec-operator-a');
    const started = await http.send(`/v1/clients/${A}/reconciliations`, { headers: opA, body: { periodId: clients[0].periods[0].periodId } });
    runA = started.body.runId;
    await until(
      () => http.send(`/v1/clients/${A}/reconciliations/${runA}`, { headers: opA }),
      (a) => ['succeeded', 'failed'].includes(a.body.status),
    );
    taskA = (await http.send('/v1/tasks', { headers: opA, body: { kind: 'platform.noop', clientId: A, parameters: { note: 'attack suite' } } })).body.taskId;
    await until(
      () => http.send(`/v1/tasks/${taskA}`, { headers: opA }),
      (a) => a.body.status === 'succeeded',
    );
    packetA = (await http.send(`/v1/packets?clientId=${A}&limit=1`, { headers: opAll })).body.items[0].packetId;
    // A mirrored IT request of A when the stack mirrors an org; else an id that exists nowhere (404 all the same).
    sfRequestA = (await http.send(`/v1/salesforce/requests?clientId=${A}&limit=1`, { headers: opAll })).body.items[0]?.requestId ?? 'a0X000000000001AAA';
    // --- domo-takeover (h-domo): the export and comparison the stack's first start made ---
    domoExport = (await http.send('/v1/domo/exports?limit=1', { headers: opAll })).body.items[0].exportId;
    domoComparison = (await http.send('/v1/domo/comparisons?limit=1', { headers: opAll })).body.items[0].comparisonId;
    // --- end domo-takeover ---
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('refuses every forged, expired, mis-addressed or malformed credential with 401 and an RFC 6750 challenge, logging why', async () => {
    const cases = await attackTokens(keys());
    for (const attack of cases) secrets.push(...Object.values(attack.header).map((v) => v.replace(/^Bearer /, '')));
    const before = stack.lines().length;
    for (const attack of cases) {
      const answer = await http.send(`/v1/clients/${A}/guarantees`, { headers: { ...attack.header, ...from('198.51.100.10') } });
      expect([attack.name, answer.status, answer.body.code]).toEqual([attack.name, 401, 'UNAUTHENTICATED']);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.headers.get('www-authenticate')).toMatch(
        attack.reason === 'missing' ? /^Bearer realm="leaf"$/ : /^Bearer realm="leaf", error="invalid_(token|request)", error_description="[^"]+"$/,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
    const reasons = stack
      .lines()
      .slice(before)
      .filter((l) => l.includes('token refused'))
      .map((l) => /reason=(\S+)/.exec(l)?.[1]);
    expect(reasons).toEqual(cases.map((c) => c.reason));
    // The scheme is case-insensitive: a lower-case "bearer" with a good token is let in.
    const good = (await as('reader', [A], 'sec-lowercase')).authorization.replace('Bearer ', 'bearer ');
    expect((await http.send(`/v1/clients/${A}/guarantees`, { headers: { authorization: good } })).status).toBe(200);
  });

  it("answers another client's resources with 404 on every route, MCP and the event stream included", async () => {
    const analystB = await as('analyst', [B], 'sec-analyst-b');
    const operatorB = await as('operator', [B], 'sec-operator-b');
    const periodB = clients[1].periods[0].periodId;
    const run = `/v1/clients/${A}/reconciliations/${runA}`;
    const routes: Array<[string, string, string, Record<string, string>, unknown?]> = [
      ['/v1/clients/{clientId}/guarantees', 'GET', `/v1/clients/${A}/guarantees`, analystB],
      ['/v1/clients/{clientId}/claims/summary', 'GET', `/v1/clients/${A}/claims/summary`, analystB],
      ['/v1/clients/{clientId}/reconciliations', 'POST', `/v1/clients/${A}/reconciliations`, operatorB, { periodId: clients[0].periods[0].periodId }],
      ['/v1/clients/{clientId}/reconciliations/{runId}', 'GET', run, operatorB],
      ['/v1/clients/{clientId}/reconciliations/{runId}/findings', 'GET', `${run}/findings`, operatorB],
      ['/v1/clients/{clientId}/reconciliations/{runId}/artifacts/{name}', 'GET', `${run}/artifacts/reconciliation.xlsx`, operatorB],
      ['/v1/clients/{clientId}/reconciliations', 'GET', `/v1/clients/${A}/reconciliations`, operatorB],
      ['/v1/clients/{clientId}/reconciliations/{runId}/diff', 'GET', `${run}/diff?against=${runA}`, operatorB],
      ['/v1/clients/{clientId}/reconciliations/{runId}/findings.csv', 'GET', `${run}/findings.csv`, operatorB],
      ['/v1/clients/{clientId}/reconciliations/{runId}/events', 'GET', `${run}/events`, operatorB],
      ['/v1/tasks', 'POST', '/v1/tasks', operatorB, { kind: 'platform.noop', clientId: A }],
      ['/v1/tasks', 'GET', `/v1/tasks?clientId=${A}`, operatorB],
      ['/v1/tasks/{taskId}', 'GET', `/v1/tasks/${taskA}`, operatorB],
      ['/v1/tasks/{taskId}/cancel', 'POST', `/v1/tasks/${taskA}/cancel`, operatorB],
      ['/v1/tasks/{taskId}/approve', 'POST', `/v1/tasks/${taskA}/approve`, operatorB],
      ['/v1/tasks/{taskId}/replay', 'POST', `/v1/tasks/${taskA}/replay`, operatorB],
      ['/v1/tasks/{taskId}/events', 'GET', `/v1/tasks/${taskA}/events`, operatorB],
      ['/v1/tasks/{taskId}/artifacts/{name}', 'GET', `/v1/tasks/${taskA}/artifacts/noop.json`, operatorB],
      ['/v1/packets', 'GET', `/v1/packets?clientId=${A}`, operatorB],
      ['/v1/packets/sync', 'POST', '/v1/packets/sync', operatorB, { clientId: A }],
      ['/v1/packets/{packetId}', 'GET', `/v1/packets/${packetA}`, operatorB],
      ['/v1/packets/{packetId}/terms', 'GET', `/v1/packets/${packetA}/terms`, operatorB],
      ['/v1/packets/{packetId}/approve', 'POST', `/v1/packets/${packetA}/approve`, operatorB],
      ['/v1/packets/{packetId}/reject', 'POST', `/v1/packets/${packetA}/reject`, operatorB, { reason: 'mine now' }],
      ['/v1/salesforce/requests', 'GET', `/v1/salesforce/requests?clientId=${A}`, analystB],
      ['/v1/salesforce/requests/{requestId}', 'GET', `/v1/salesforce/requests/${sfRequestA}`, analystB],
      ['/v1/salesforce/requests/{requestId}/files/{contentVersionId}', 'GET', `/v1/salesforce/requests/${sfRequestA}/files/068000000000005AAA`, analystB],
      ['/v1/search', 'GET', `/v1/search?q=discount&clientId=${A}`, analystB],
      // --- domo-takeover (h-domo): Domo's datasets hold every client's rows; a scoped caller sees none of them ---
      ['/v1/domo/datasets', 'GET', '/v1/domo/datasets', operatorB],
      ['/v1/domo/exports', 'GET', '/v1/domo/exports', operatorB],
      ['/v1/domo/exports/{exportId}', 'GET', `/v1/domo/exports/${domoExport}`, operatorB],
      ['/v1/domo/exports/{exportId}/gate-failures', 'GET', `/v1/domo/exports/${domoExport}/gate-failures`, operatorB],
      ['/v1/domo/comparisons', 'GET', '/v1/domo/comparisons', analystB],
      ['/v1/domo/comparisons/{comparisonId}', 'GET', `/v1/domo/comparisons/${domoComparison}`, operatorB],
      ['/v1/domo/comparisons/{comparisonId}/differences', 'GET', `/v1/domo/comparisons/${domoComparison}/differences`, operatorB],
      ['/v1/domo/comparisons/{comparisonId}/artifacts/{name}', 'GET', `/v1/domo/comparisons/${domoComparison}/artifacts/packet.pdf`, operatorB],
      [
        '/v1/domo/comparisons/{comparisonId}/sign-off',
        'POST',
        `/v1/domo/comparisons/${domoComparison}/sign-off`,
        operatorB,
        { decision: 'approved', note: 'mine' },
      ],
      // --- end domo-takeover ---
    ];
    for (const [, method, path, headers, body] of routes) {
      const answer = await http.send(path, { method, headers, body: body ?? (method === 'POST' ? {} : undefined) });
      expect([method, path, answer.status, answer.body.code]).toEqual([method, path, 404, 'NOT_FOUND']);
    }
    // Lists are filtered, not refused.
    expect((await http.send('/v1/clients', { headers: analystB })).body.items.map((c: { clientId: string }) => c.clientId)).toEqual([B]);
    expect((await http.send('/v1/tasks?limit=200', { headers: operatorB })).body.items.every((t: { clientId: string }) => t.clientId === B)).toBe(true);
    expect((await http.send('/v1/packets?limit=200', { headers: operatorB })).body.items.every((p: { clientId: string }) => p.clientId === B)).toBe(true);
    expect((await http.send('/v1/salesforce/requests?limit=200', { headers: analystB })).body.items.every((r: { clientId: string }) => r.clientId === B)).toBe(
      true,
    );
    expect((await http.send(`/v1/salesforce/lineage?taskId=${taskA}`, { headers: analystB })).body.items).toEqual([]);
    // Search without a clientId searches the caller's clients only, in every branch (retrieval).
    expect(
      (await http.send(`/v1/search?q=${encodeURIComponent('specialty brand discount guarantee')}&limit=50`, { headers: analystB })).body.hits.every(
        (h: { clientId: string }) => h.clientId === B,
      ),
    ).toBe(true);

    const tools = await mcp(operatorB, [
      toolCall(1, 'get_guarantees', { clientId: A }),
      toolCall(2, 'get_claims_summary', { clientId: A }),
      toolCall(3, 'get_reconciliation_run', { clientId: A, runId: runA }),
      toolCall(4, 'list_findings', { clientId: A, runId: runA }),
      toolCall(5, 'start_reconciliation', { clientId: A, periodId: periodB }),
      toolCall(6, 'list_clients', {}),
    ]);
    expect(tools.status).toBe(200);
    const byId = new Map<number, Answer['body']>(tools.body.map((m: { id: number }) => [m.id, m]));
    for (const id of [1, 2, 3, 4, 5])
      expect([id, byId.get(id).result.isError, toolAnswer({ body: byId.get(id) } as Answer).code]).toEqual([id, true, 'NOT_FOUND']);
    expect(JSON.parse(byId.get(6).result.content[0].text).items.map((c: { clientId: string }) => c.clientId)).toEqual([B]);
    // --- domo-takeover (h-domo): the takeover's read tools answer a scoped caller as if nothing existed ---
    const domoTools = await mcp(operatorB, [
      toolCall(1, 'list_domo_comparisons', {}),
      toolCall(2, 'get_domo_comparison', { comparisonId: domoComparison }),
      toolCall(3, 'list_domo_differences', { comparisonId: domoComparison }),
      toolCall(4, 'get_domo_gate_failures', { exportId: domoExport }),
    ]);
    for (const m of domoTools.body as Array<Answer['body']>)
      expect([m.id, m.result.isError, toolAnswer({ body: m } as Answer).code]).toEqual([m.id, true, 'NOT_FOUND']);
    // --- end domo-takeover ---

    // Every route of the public API is in the matrix above (or below: /health is operator-only, /mcp is the tools).
    const documented = Object.keys((await http.send('/docs/json', { headers: analystB })).body.paths).sort();
    const operations = ['/v1/operations/queues', '/v1/operations/lanes', '/v1/operations/cluster'];
    // ---- h-ops: dead-letter administration (operators only) ----
    const deadLetterWrites = [
      '/v1/operations/dead-letters/resubmit',
      '/v1/operations/dead-letters/{sequenceNumber}/resubmit',
      '/v1/operations/dead-letters/{sequenceNumber}/purge',
    ];
    const deadLetters = ['/v1/operations/dead-letters', ...deadLetterWrites];
    // ---- end h-ops ----
    // The Salesforce mirror's sync and completeness are org-wide: operators of every client only (403 otherwise).
    // Lineage lists are filtered like the lists above (another client's task: no items).
    const salesforceOrgWide = ['/v1/salesforce/sync', '/v1/salesforce/completeness'];
    for (const path of salesforceOrgWide) {
      expect([path, (await http.send(path, { headers: analystB })).status]).toEqual([path, 403]);
      expect([path, (await http.send(path, { headers: operatorB })).status]).toEqual([path, 403]);
    }
    expect((await http.send('/v1/salesforce/sync', { headers: analystB, body: {} })).status).toBe(403);
    // --- domo-takeover (h-domo): starting an ingest or a comparison is for an operator of every client (403 otherwise) ---
    const domoOrgWide = ['/v1/domo/ingest'];
    for (const path of [...domoOrgWide, '/v1/domo/comparisons']) {
      expect([path, (await http.send(path, { headers: analystB, body: {} })).status]).toEqual([path, 403]);
      expect([path, (await http.send(path, { headers: operatorB, body: {} })).status]).toEqual([path, 403]);
    }
    // --- end domo-takeover ---
    expect(
      [
        ...new Set([
          ...routes.map((r) => r[0]),
          '/health',
          '/mcp',
          '/v1/clients',
          '/v1/salesforce/lineage',
          ...salesforceOrgWide,
          ...operations,
          ...domoOrgWide,
          ...deadLetters,
        ]),
      ].sort(),
    ).toEqual(documented);
    expect((await http.send('/health', { headers: analystB })).status).toBe(403);
    // Operations hold no client's resource: operators only, and a scoped operator's counts cover its
    // own clients (libs/gateway/feature/src/operations/operations.gateway.spec.ts).
    for (const path of operations) {
      expect([path, (await http.send(path, { headers: analystB })).status]).toEqual([path, 403]);
      expect([path, (await http.send(path, { headers: operatorB })).status]).toEqual([path, 200]);
    }
    // ---- h-ops: dead letters: operators only; a scoped operator's listing holds only its clients' messages, and
    // another client's dead letter is a 404 on resubmit and purge (dead-letters.gateway.spec.ts plants one).
    const listed = await http.send('/v1/operations/dead-letters?queue=agent-tasks', { headers: operatorB });
    expect([listed.status, listed.body.items.every((d: { clientId: string }) => d.clientId === B)]).toEqual([200, true]);
    expect((await http.send('/v1/operations/dead-letters?queue=agent-tasks', { headers: analystB })).status).toBe(403);
    const writes: Array<[string, unknown]> = [
      ['/v1/operations/dead-letters/resubmit', { queue: 'agent-tasks', sequenceNumbers: ['1'] }],
      ['/v1/operations/dead-letters/1/resubmit', { queue: 'agent-tasks' }],
      ['/v1/operations/dead-letters/1/purge', { queue: 'agent-tasks' }],
    ];
    for (const [path, body] of writes) expect([path, (await http.send(path, { headers: analystB, body })).status]).toEqual([path, 403]);
    expect((await http.send('/v1/operations/dead-letters/999999999/purge', { headers: operatorB, body: { queue: 'agent-tasks' } })).status).toBe(404);
    // ---- end h-ops ----
  });

  it('refuses path traversal and injection in ids and query parameters with 4xx problem+json, never 500, never echoing them', async () => {
    const analystA = await as('analyst', [A], 'sec-injector');
    const run = `/v1/clients/${A}/reconciliations/${runA}`;
    const attempts = [
      `${run}/artifacts/..%2F..%2F..%2Fetc%2Fpasswd`,
      `${run}/artifacts/%2e%2e%2frun-inputs.json`,
      `${run}/artifacts/reconciliation.xlsx%00.pdf`,
      `${run}/artifacts/..`,
      `/v1/clients/${encodeURIComponent("x' OR '1'='1")}/guarantees`,
      `/v1/clients/${A}/reconciliations/${encodeURIComponent('rec_1; DROP TABLE claims;--')}`,
      `/v1/tasks/${encodeURIComponent('../../admin/bus/dead-letters')}`,
      `/v1/packets/${encodeURIComponent('pkt-1 UNION SELECT password FROM users')}`,
      `/v1/clients/${A}/claims/summary?from=${encodeURIComponent("2025-01-01' OR 1=1--")}`,
      `/v1/clients/${A}/claims/summary?to=${encodeURIComponent('<script>alert(1)</script>')}`,
      `${run}/findings?limit=-1`,
      `${run}/findings?limit=99999999999`,
      `${run}/findings?cursor=${encodeURIComponent('../../etc/passwd')}`,
      `${run}/findings?kind=${encodeURIComponent('<img src=x onerror=alert(1)>')}`,
      `/v1/tasks?status=${encodeURIComponent("running' --")}&limit=10`,
      `/v1/packets?clientId=${encodeURIComponent('*')}`,
      // --- domo-takeover (h-domo) ---
      `/v1/domo/comparisons/${domoComparison}/artifacts/${encodeURIComponent('../../etc/passwd')}`,
      `/v1/domo/exports/${encodeURIComponent("dex-1' OR '1'='1")}`,
      `/v1/domo/comparisons/${domoComparison}/differences?reason=${encodeURIComponent('<script>alert(1)</script>')}`,
      // --- end domo-takeover ---
    ];
    for (const path of attempts) {
      const answer = await http.send(path, { headers: analystA });
      expect([path, answer.status >= 400 && answer.status < 500]).toEqual([path, true]);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.text).not.toMatch(/DROP TABLE|UNION SELECT|<script>|onerror|etc\/passwd|OR '1'='1|OR 1=1/);
    }
  });

  it('refuses oversized bodies, URLs, headers and deeply nested or huge JSON with problem+json, echoing none of it', async () => {
    const operatorA = await as('operator', [A], 'sec-sizes');
    const start = `/v1/clients/${A}/reconciliations`;
    // A body declared larger than the limit is refused on its Content-Length, before it is read. Sent
    // as headers and a first few bytes: with the whole 2 MB written, the server's early answer and
    // close raced the client's writes (fetch failed with EPIPE on a loaded machine).
    const tooBig = await http.raw(
      `POST ${start} HTTP/1.1\r\nHost: x\r\nAuthorization: ${operatorA.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024 + 16}\r\n\r\n{"periodId":"xxxx`,
      'raw oversized body',
    );
    expect([tooBig.status, /"code":"PAYLOAD_TOO_LARGE"/.test(tooBig.text)]).toEqual([413, true]);
    // 100,000 levels: walked recursively, this overflowed the stack (500) in the idempotency hash.
    const deep = await http.send(start, {
      headers: { ...operatorA, 'content-type': 'application/json', 'idempotency-key': 'sec-deep-0001' },
      rawBody: `{"periodId":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      method: 'POST',
    });
    expect([deep.status, deep.body.code]).toEqual([400, 'BAD_REQUEST']);
    const wide = await http.send(start, { headers: operatorA, body: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i])) });
    expect([wide.status, wide.body.code]).toEqual([400, 'BAD_REQUEST']);
    const marker = 'overlong-marker-';
    const longUrl = await http.raw(
      `GET /v1/clients/${A}/guarantees?x=${marker.repeat(2_000)} HTTP/1.1\r\nHost: x\r\nAuthorization: ${operatorA.authorization}\r\n\r\n`,
      'raw long URL',
    );
    expect(longUrl.status).toBe(414);
    const longSegment = await http.raw(
      `GET /v1/packets/${marker.repeat(20)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: ${operatorA.authorization}\r\n\r\n`,
      'raw long segment',
    );
    expect(longSegment.status).toBe(414);
    const bigHeader = await http.raw(
      `GET /v1/clients HTTP/1.1\r\nHost: x\r\nX-Padding: ${marker.repeat(2_000)}\r\nAuthorization: ${operatorA.authorization}\r\n\r\n`,
      'raw big header',
    );
    expect(bigHeader.status).toBe(431);
    for (const answer of [longUrl, longSegment, bigHeader]) {
      expect(answer.head).toContain('content-type: application/problem+json');
      expect(answer.text).not.toContain(marker);
    }
  });

  it('gives injected headers no effect: CR/LF is a 400, a request id is not echoed, a forged internal identity is no credential', async () => {
    const analystB = await as('analyst', [B], 'sec-headers');
    const crlf = await http.raw(`GET /v1/clients HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rX-Leaf-Identity: forged\r\nConnection: close\r\n\r\n`, 'raw CR/LF');
    expect(crlf.status).toBe(400);
    const echoed = await http.send('/v1/clients', { headers: { ...analystB, 'x-request-id': '<script>x</script>' } });
    expect(echoed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // A forged x-leaf-identity (signed with the well-known local key, claiming admin of every client) widens nothing.
    const forged = signIdentityToken({ subject: 'mallory', roles: ['admin'], clientIds: '*', issuer: 'dev' }, internalIdentityKeyBytes(devInternalIdentityKey));
    secrets.push(forged);
    expect((await http.send(`/v1/clients/${A}/guarantees`, { headers: { ...analystB, 'x-leaf-identity': forged } })).status).toBe(404);
    expect((await http.send('/v1/clients', { headers: { ...analystB, 'x-leaf-identity': forged } })).body.items).toHaveLength(1);
    // A hostile Host header does not end up in Location.
    const started = await http.send(`/v1/clients/${B}/reconciliations`, {
      headers: { ...analystB, host: 'evil.example', 'x-forwarded-host': 'evil.example' },
      body: { periodId: clients[1].periods[0].periodId },
    });
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toMatch(/^\/v1\/clients\//);
  });

  it('resists Idempotency-Key abuse: another body is a 409, a bad key a 400, keys are per caller, a refused request is forgotten', async () => {
    const one = await as('analyst', [C], 'sec-idem-1');
    const two = await as('analyst', [C], 'sec-idem-2');
    const period = clients[2].periods[0].periodId;
    const start = (who: Record<string, string>, periodId: string, key: string) =>
      http.send(`/v1/clients/${C}/reconciliations`, { headers: { ...who, 'idempotency-key': key }, body: { periodId } });
    const first = await start(one, period, 'sec-idem-key-1');
    expect(first.status).toBe(202);
    const replay = await start(one, period, 'sec-idem-key-1');
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.body.runId, replay.headers.get('location')]).toEqual([
      202,
      'true',
      first.body.runId,
      first.headers.get('location'),
    ]);
    expect((await start(one, 'another-period', 'sec-idem-key-1')).status).toBe(409);
    // Another caller's identical key is theirs: it neither replays nor blocks the first caller's answer.
    expect((await start(two, period, 'sec-idem-key-1')).headers.get('idempotent-replayed')).toBeNull();
    expect((await start(one, period, 'bad key!')).status).toBe(400);
    // A refused request does not lock its key.
    const refused = await start(two, `${C}-py1999`, 'sec-idem-key-2');
    expect([refused.status >= 400 && refused.status < 500, refused.headers.get('content-type')]).toEqual([
      true,
      expect.stringContaining('application/problem+json'),
    ]);
    expect((await start(two, period, 'sec-idem-key-2')).headers.get('idempotent-replayed')).toBeNull();
  });

  it('keeps limits fair: scope before budget, one work budget per client across doors, every MCP call counted, failed logins per address', async () => {
    const outsider = await as('admin', [A], 'sec-outsider');
    for (let i = 0; i < 10; i++) expect((await http.send(`/v1/clients/${D}/reconciliations`, { headers: outsider, body: { periodId: 'x' } })).status).toBe(404);
    const analystD = await as('analyst', [D], 'sec-analyst-d');
    const operatorD = await as('operator', [D], 'sec-operator-d');
    const periodD = clients[3].periods[0].periodId;
    const doors = [
      () => http.send(`/v1/clients/${D}/reconciliations`, { headers: analystD, body: { periodId: periodD } }),
      () => http.send('/v1/tasks', { headers: operatorD, body: { kind: 'platform.noop', clientId: D } }),
      async () => {
        const answer = await mcp(operatorD, toolCall(1, 'start_reconciliation', { clientId: D, periodId: periodD }));
        return { ...answer, status: answer.body.result?.isError ? (toolAnswer(answer).code === 'RATE_LIMITED' ? 429 : 500) : 202 };
      },
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await doors[i % 3]()).status);
    // The outsider's ten 404s spent nothing of D's: its six starts go through, the seventh (by any door) is refused.
    expect(statuses).toEqual([202, 201, 202, 202, 201, 202, 429]);
    const limited = await http.send(`/v1/clients/${D}/reconciliations`, { headers: analystD, body: { periodId: periodD } });
    expect([limited.status, limited.body.code, Number(limited.headers.get('retry-after')) > 0]).toEqual([429, 'RATE_LIMITED', true]);

    const batcher = await as('reader', [A], 'sec-batcher');
    const batch = await mcp(
      batcher,
      Array.from({ length: 61 }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'tools/list' })),
    );
    expect([batch.status, batch.body.code]).toEqual([429, 'RATE_LIMITED']);

    for (let i = 0; i < 30; i++)
      expect((await http.send('/v1/clients', { headers: { authorization: `Bearer guess.${i}.x`, ...from('203.0.113.50') } })).status).toBe(401);
    expect((await http.send('/v1/clients', { headers: { authorization: 'Bearer guess.31.x', ...from('203.0.113.50') } })).status).toBe(429);
    expect((await http.send('/v1/clients', { headers: { authorization: 'Bearer guess.1.x', ...from('203.0.113.51') } })).status).toBe(401);
  });

  it("holds four eyes on mutating tasks and checks a task's references against its client", async () => {
    const requester = await as('operator', [A], 'sec-requester');
    const colleague = await as('operator', [A], 'sec-colleague');
    const sync = await http.send('/v1/tasks', { headers: requester, body: { kind: 'contracts.sync', clientId: A } });
    expect([sync.status, sync.body.status]).toEqual([201, 'blocked']);
    expect((await http.send('/v1/tasks', { headers: requester, body: { kind: 'contracts.sync', clientId: A, approve: true } })).status).toBe(403);
    const self = await http.send(`/v1/tasks/${sync.body.taskId}/approve`, { headers: requester, method: 'POST' });
    expect([self.status, self.body.code]).toEqual([403, 'FORBIDDEN']);
    const approved = await http.send(`/v1/tasks/${sync.body.taskId}/approve`, { headers: colleague, method: 'POST' });
    expect([approved.status, approved.body.policy.approvedBy]).toEqual([200, 'sec-colleague']);
    const foreign = await http.send('/v1/tasks', {
      headers: await as('analyst', [A], 'sec-referrer'),
      body: { kind: 'claims.reconcile', clientId: A, parameters: { periodId: clients[1].periods[0].periodId } },
    });
    expect([foreign.status, foreign.body.errors?.[0]?.path]).toEqual([400, 'parameters.periodId']);
  });

  it('shows a non-operator nothing internal: opaque workers, per-task event ids, no SQL; a scoped sync covers only its clients', async () => {
    // The host name as a whole token: a short one (CI's is "vm") also occurs inside random ids.
    const hostAsWord = new RegExp(`(^|[^A-Za-z0-9-])${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9-]|$)`);
    const analystA = await as('analyst', [A], 'sec-viewer');
    const detail = await http.send(`/v1/tasks/${taskA}`, { headers: analystA });
    const actors: string[] = detail.body.history.map((e: { actor: string }) => e.actor);
    expect(actors.filter((a) => a.startsWith('wkr_')).length).toBeGreaterThan(0);
    expect(detail.text).not.toMatch(hostAsWord);
    expect(detail.text).not.toMatch(new RegExp(`/${process.pid}\\b|"[^"]+/\\d+"`));
    const events = await http.send(`/v1/tasks/${taskA}/events`, { headers: analystA });
    const ids = events.text
      .split('\n')
      .filter((l) => l.startsWith('id: '))
      .map((l) => Number(l.slice(4)));
    expect(ids).toEqual(detail.body.history.map((_: unknown, i: number) => i + 1));
    expect(events.text).not.toMatch(hostAsWord);
    const inputs = `/v1/clients/${A}/reconciliations/${runA}/artifacts/run-inputs.json`;
    expect((await http.send(inputs, { headers: analystA })).status).toBe(403);
    expect((await http.send(inputs, { headers: await as('operator', [A], 'sec-sql-reader') })).status).toBe(200);
    const scopedSync = await http.send('/v1/packets/sync', { headers: await as('operator', [B], 'sec-syncer'), body: {} });
    expect(scopedSync.status).toBe(202);
  });

  it('leaks nothing: no token, key, pre-signed URL, local path or stack trace in any answer or log line', () => {
    const paths = machinePaths(dataDir);
    const leaks = [
      ...http.answers.flatMap((a) => scanForLeaks(`answer to ${a.label}`, `${JSON.stringify(Object.fromEntries(a.headers))}\n${a.text}`, secrets, paths)),
      // The JSON log lines of all eight services (the start banner is for the developer's terminal).
      ...stack
        .lines()
        .filter((l) => l.startsWith('{'))
        .flatMap((l, i) => scanForLeaks(`log line ${i}`, l, secrets, paths)),
    ];
    // The scan finds what it looks for (a scan that cannot fail proves nothing).
    const probe = scanForLeaks('probe', `${secrets.at(-1)} at run (${process.cwd()}/dist/main.js:1:2) ${dataDir}/lake ?sv=2024&sig=abcd1234`, secrets, paths);
    expect(new Set(probe.map((l) => l.what.replace(/ \(.*\)$/, '')))).toEqual(
      new Set(['a secret the suite sent or holds', 'a stack trace', 'a file system path', 'a pre-signed URL', 'a JWT']),
    );
    expect(http.answers.length).toBeGreaterThan(120);
    expect(stack.lines().filter((l) => l.startsWith('{')).length).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
  });
});
