// The Leaf console: plain ES module, no build step. Every call goes to the gateway's /v1 API with
// the caller's own credential (a local dev token, or the Cloudflare Access assertion the browser's
// requests carry), so it shows and does exactly what the API allows that caller.

const main = document.getElementById('main');
const statusLine = document.getElementById('status');
const tokenKey = 'leaf.console.token';
const whoKey = 'leaf.console.who';
const operatorKey = 'leaf.console.operator';

const say = (text) => (statusLine.textContent = text);

/** Builds an element: h('a', { href }, 'text', child…). Text is always set as text, never as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

function show(title, ...content) {
  main.replaceChildren(h('h1', {}, title), ...content);
  document.title = `${title} · Leaf console`;
  main.focus();
}

const headers = (extra = {}) => {
  const token = sessionStorage.getItem(tokenKey);
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
};

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
  }
}

async function api(path, { method = 'GET', body, idempotent = false } = {}) {
  const extra = body !== undefined ? { 'content-type': 'application/json' } : {};
  if (idempotent) extra['idempotency-key'] = crypto.randomUUID();
  const res = await fetch(path, { method, headers: headers(extra), body: body === undefined ? undefined : JSON.stringify(body) });
  const type = res.headers.get('content-type') || '';
  const payload = type.includes('json') ? await res.json() : await res.text();
  if (res.status === 401) {
    signedOut();
    throw new ApiError(401, payload);
  }
  if (!res.ok) throw new ApiError(res.status, payload);
  return payload;
}

/** Server-sent events over fetch (EventSource cannot send the Authorization header). */
async function streamEvents(path, onEvent, signal) {
  const res = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal });
  if (!res.ok || !res.body) throw new ApiError(res.status, null);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { type: 'message', data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event.type = line.slice(6).trim();
        else if (line.startsWith('data:')) event.data += line.slice(5).trim();
      }
      let data = event.data;
      try {
        data = JSON.parse(event.data);
      } catch {
        // plain text event
      }
      onEvent(event.type, data);
    }
  }
}

/** Downloads with the caller's credential, then hands the bytes to the browser as a file. */
async function download(path, name) {
  say(`Downloading ${name}…`);
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) return say(`Download failed: HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  say(`Downloaded ${name}`);
}

const badge = (value) => h('span', { class: `badge ${String(value)}` }, String(value));
const money = (m) => (m && typeof m === 'object' && 'amount' in m ? `${m.amount} ${m.currency ?? ''}`.trim() : m === undefined || m === null ? '' : String(m));
const cell = (v) => (v && typeof v === 'object' ? ('amount' in v ? money(v) : JSON.stringify(v)) : (v ?? ''));

function table(caption, columns, rows) {
  return h(
    'table',
    {},
    h('caption', { class: 'sr' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c.label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.length
        ? rows.map((r) =>
            h(
              'tr',
              {},
              columns.map((c) => h('td', { class: c.num ? 'num' : undefined }, c.render ? c.render(r) : cell(r[c.key]))),
            ),
          )
        : h('tr', {}, h('td', { colspan: columns.length }, 'Nothing here.')),
    ),
  );
}

function failure(error) {
  return h('p', { class: 'error', role: 'alert' }, `Could not load: ${error.message}`);
}

// ---- sign-in ----------------------------------------------------------------------------------

function signedOut() {
  sessionStorage.removeItem(tokenKey);
  sessionStorage.removeItem(whoKey);
  sessionStorage.removeItem(operatorKey);
}

/**
 * Whether the caller is an operator: known from the local sign-in, else asked of the API once (an
 * operations read answers 403 to anyone else). Only hides what the API would refuse anyway.
 */
async function isOperator() {
  const known = sessionStorage.getItem(operatorKey);
  if (known !== null) return known === 'yes';
  const res = await fetch('/v1/operations/lanes', { headers: headers() }).catch(() => null);
  if (res && res.status !== 401) sessionStorage.setItem(operatorKey, res.ok ? 'yes' : 'no');
  return Boolean(res && res.ok);
}

async function signInView() {
  const mode = await fetch('/console/sign-in')
    .then((r) => r.json())
    .catch(() => ({ localSignIn: false }));
  if (!mode.localSignIn) {
    return show('Sign in', h('p', {}, 'This console is signed in through Cloudflare Access. Reload the page to sign in again.'));
  }
  const form = h(
    'form',
    { id: 'sign-in' },
    h('p', {}, 'Local stack only: sign in as any user with the role and clients you choose.'),
    h('label', { for: 'subject' }, 'User name'),
    h('input', { id: 'subject', name: 'subject', required: true, value: 'me@local', autocomplete: 'username' }),
    h('label', { for: 'role' }, 'Role'),
    h(
      'select',
      { id: 'role', name: 'role' },
      ['reader', 'analyst', 'operator', 'admin'].map((r) => h('option', { value: r, selected: r === 'operator' }, r)),
    ),
    h('label', { for: 'clients' }, 'Clients (comma-separated ids, or * for all)'),
    h('input', { id: 'clients', name: 'clients', required: true, value: '*' }),
    h('p', {}, h('button', { type: 'submit' }, 'Sign in')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const clientsRaw = String(data.get('clients')).trim();
    const clients =
      clientsRaw === '*'
        ? '*'
        : clientsRaw
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean);
    try {
      const res = await fetch('/console/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: data.get('subject'), role: data.get('role'), clients }),
      });
      const body = await res.json();
      if (!res.ok) throw new ApiError(res.status, body);
      sessionStorage.setItem(tokenKey, body.token);
      sessionStorage.setItem(whoKey, `${body.subject} (${body.role})`);
      sessionStorage.setItem(operatorKey, body.role === 'operator' || body.role === 'admin' ? 'yes' : 'no');
      location.hash = '#/clients';
      route();
    } catch (error) {
      say(`Sign-in failed: ${error.message}`);
    }
  });
  show('Sign in', form);
}

// ---- clients, runs ------------------------------------------------------------------------------

async function clientsView() {
  show('Clients and periods', h('p', {}, 'Loading…'));
  try {
    const { items } = await api('/v1/clients');
    const list = items.map((c) =>
      h(
        'section',
        { 'aria-labelledby': `client-${c.clientId}` },
        h('h2', { id: `client-${c.clientId}` }, c.name ?? c.clientId, ' ', h('small', {}, `(${c.clientId})`)),
        table(
          `Contract periods of ${c.clientId}`,
          [
            { label: 'Period', key: 'periodId' },
            { label: 'From', key: 'startDate' },
            { label: 'To', key: 'endDate' },
            {
              label: 'Reconciliation',
              render: (p) => h('button', { type: 'button', onclick: () => startRun(c.clientId, p.periodId) }, `Start reconciliation of ${p.periodId}`),
            },
          ],
          c.periods ?? [],
        ),
        h('p', {}, h('a', { href: `#/runs/${encodeURIComponent(c.clientId)}` }, `Runs of ${c.clientId}`)),
      ),
    );
    show('Clients and periods', ...(list.length ? list : [h('p', {}, 'No client is in your scope.')]));
  } catch (error) {
    show('Clients and periods', failure(error));
  }
}

async function startRun(clientId, periodId) {
  try {
    const run = await api(`/v1/clients/${encodeURIComponent(clientId)}/reconciliations`, { method: 'POST', body: { periodId }, idempotent: true });
    say(`Started run ${run.runId}`);
    location.hash = `#/run/${encodeURIComponent(clientId)}/${encodeURIComponent(run.runId)}`;
  } catch (error) {
    say(`Could not start: ${error.message}`);
  }
}

async function runsView(clientId) {
  show(`Runs of ${clientId}`, h('p', {}, 'Loading…'));
  try {
    const { items } = await api(`/v1/clients/${encodeURIComponent(clientId)}/reconciliations?limit=50`);
    show(
      `Runs of ${clientId}`,
      table(
        'Runs',
        [
          { label: 'Run', render: (r) => h('a', { href: `#/run/${encodeURIComponent(clientId)}/${encodeURIComponent(r.runId)}` }, r.runId) },
          { label: 'Period', key: 'periodId' },
          { label: 'Status', render: (r) => badge(r.status) },
          { label: 'Created', key: 'createdAt' },
        ],
        items,
      ),
    );
  } catch (error) {
    show(`Runs of ${clientId}`, failure(error));
  }
}

let running = new AbortController();

async function runView(clientId, runId) {
  const base = `/v1/clients/${encodeURIComponent(clientId)}/reconciliations/${encodeURIComponent(runId)}`;
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Run progress' });
  const stage = h('span', { id: 'run-stage' });
  const state = h('span', { id: 'run-status' });
  const body = h('div', { id: 'run-body' });
  show(`Run ${runId}`, h('p', { class: 'row' }, 'Status: ', state, progress, stage), body);
  const render = async () => {
    const run = await api(base);
    state.replaceChildren(badge(run.status));
    progress.value = run.progress;
    stage.textContent = run.stage;
    if (run.status !== 'succeeded' && run.status !== 'failed') return run;
    body.replaceChildren(
      run.error ? h('p', { class: 'error' }, `${run.error.code}: ${run.error.detail}`) : '',
      h('h2', {}, 'Downloads'),
      h(
        'ul',
        {},
        run.artifacts.map((a) =>
          h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: 'secondary', onclick: () => download(`${base}/artifacts/${encodeURIComponent(a.name)}`, a.name) },
              `Download ${a.name}`,
            ),
            ` ${a.bytes} bytes`,
          ),
        ),
      ),
      h('h2', {}, 'Buckets'),
      bucketsTable(run.buckets ?? []),
      h('h2', {}, 'Findings'),
      findingsPanel(base),
    );
    return run;
  };
  running.abort();
  running = new AbortController();
  try {
    const run = await render();
    if (run.status === 'succeeded' || run.status === 'failed') return;
    // Follow the run's progress events until it ends, then show the whole run.
    await streamEvents(
      `${base}/events`,
      (type, data) => {
        if (data && typeof data === 'object') {
          if (typeof data.progress === 'number') progress.value = data.progress;
          if (data.stage) stage.textContent = data.stage;
          if (data.status) state.replaceChildren(badge(data.status));
        }
        say(`Run ${runId}: ${data?.stage ?? type}`);
      },
      running.signal,
    ).catch(() => undefined);
    await render();
  } catch (error) {
    body.replaceChildren(failure(error));
  }
}

function bucketsTable(buckets) {
  if (!buckets.length) return h('p', {}, 'No buckets.');
  const keys = Object.keys(buckets[0])
    .filter((k) => typeof buckets[0][k] !== 'object' || (buckets[0][k] && 'amount' in buckets[0][k]))
    .slice(0, 9);
  return table(
    'Buckets',
    keys.map((k) => ({ label: k, key: k, num: typeof buckets[0][k] !== 'string' })),
    buckets,
  );
}

function findingsPanel(base) {
  const panel = h('div', {});
  const kind = h('select', { id: 'finding-kind', 'aria-label': 'Finding kind' }, h('option', { value: '' }, 'all kinds'));
  const list = h('div', {});
  let cursor = null;
  const more = h('button', { type: 'button', class: 'secondary', onclick: () => load(false) }, 'More findings');
  const load = async (reset) => {
    if (reset) {
      cursor = null;
      list.replaceChildren();
    }
    const params = new URLSearchParams({ limit: '25' });
    if (kind.value) params.set('kind', kind.value);
    if (cursor) params.set('cursor', cursor);
    try {
      const page = await api(`${base}/findings?${params}`);
      for (const f of page.items) {
        if (![...kind.options].some((o) => o.value === f.kind)) kind.append(h('option', { value: f.kind }, f.kind));
        list.append(
          h(
            'details',
            { class: 'finding' },
            h('summary', {}, `${f.kind} · ${money(f.impact)} · ${f.detail}`),
            h('h3', {}, 'Evidence'),
            f.evidence?.length
              ? h(
                  'ul',
                  {},
                  f.evidence.map((e) =>
                    h(
                      'li',
                      {},
                      Object.entries(e)
                        .map(([k, v]) => `${k}: ${cell(v)}`)
                        .join(' · '),
                    ),
                  ),
                )
              : h('p', {}, 'No evidence recorded.'),
            h('p', {}, `Claims: ${f.claimCount}${f.claimId ? ` (claim ${f.claimId})` : ''}; term: ${f.guaranteeId ?? '—'}`),
          ),
        );
      }
      cursor = page.nextCursor;
      more.hidden = !cursor;
      if (!list.childElementCount) list.append(h('p', {}, 'No findings.'));
    } catch (error) {
      list.append(failure(error));
    }
  };
  kind.addEventListener('change', () => load(true));
  panel.append(h('label', { for: 'finding-kind' }, 'Show'), kind, list, more);
  void load(true);
  return panel;
}

// ---- tasks ----------------------------------------------------------------------------------------

async function tasksView() {
  show('Tasks', h('p', {}, 'Loading…'));
  try {
    const { items } = await api('/v1/tasks?limit=50');
    show(
      'Tasks',
      table(
        'Tasks',
        [
          { label: 'Task', render: (t) => h('a', { href: `#/task/${encodeURIComponent(t.taskId)}` }, t.taskId) },
          { label: 'Kind', key: 'kind' },
          { label: 'Client', key: 'clientId' },
          { label: 'Lane', key: 'lane' },
          { label: 'Status', render: (t) => badge(t.status) },
          { label: 'Created', key: 'createdAt' },
        ],
        items,
      ),
    );
  } catch (error) {
    show('Tasks', failure(error));
  }
}

async function taskView(taskId) {
  const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
  const detail = h('div', {});
  const events = h('ol', { 'aria-label': 'Task events', id: 'task-events' });
  show(`Task ${taskId}`, detail, h('h2', {}, 'Events (live)'), events);
  const render = async () => {
    const task = await api(path);
    detail.replaceChildren(
      h('p', { class: 'row' }, `${task.kind} for ${task.clientId} on the ${task.lane} lane: `, badge(task.status), ` attempts ${task.attempts}`),
      task.blockers?.length ? h('p', {}, `Waiting for: ${task.blockers.map((b) => b.reason ?? JSON.stringify(b)).join('; ')}`) : '',
      h(
        'p',
        { class: 'row' },
        h('button', { type: 'button', onclick: () => act(`${path}/approve`, 'Approved') }, 'Approve'),
        h('button', { type: 'button', class: 'danger', onclick: () => act(`${path}/cancel`, 'Cancel requested') }, 'Cancel'),
      ),
      h('h2', {}, 'Artifacts'),
      h(
        'ul',
        {},
        (task.artifacts ?? []).map((a) =>
          h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: 'secondary', onclick: () => download(`${path}/artifacts/${encodeURIComponent(a.name)}`, a.name) },
              `Download ${a.name}`,
            ),
          ),
        ),
      ),
      h('h2', {}, 'Trace'),
      table(
        'Trace',
        [
          { label: 'Span', key: 'name' },
          { label: 'Status', key: 'status' },
          { label: 'Attempt', key: 'attempt', num: true },
        ],
        task.trace ?? [],
      ),
    );
  };
  const act = async (url, done) => {
    try {
      await api(url, { method: 'POST' });
      say(`${done}: ${taskId}`);
      await render();
    } catch (error) {
      say(`Refused: ${error.message}`);
    }
  };
  running.abort();
  running = new AbortController();
  try {
    await render();
    await streamEvents(
      `${path}/events`,
      (type, data) => {
        events.append(h('li', {}, `${type}: ${data?.type ?? ''} ${data?.status ?? ''} ${data?.at ?? ''}`.trim()));
        if (type === 'end') void render();
      },
      running.signal,
    ).catch(() => undefined);
  } catch (error) {
    detail.replaceChildren(failure(error));
  }
}

// ---- packets --------------------------------------------------------------------------------------

async function packetsView() {
  show('Contract packets', h('p', {}, 'Loading…'));
  try {
    const { items } = await api('/v1/packets?limit=50');
    show(
      'Contract packets',
      table(
        'Packets',
        [
          { label: 'Packet', render: (p) => h('a', { href: `#/packet/${encodeURIComponent(p.packetId)}` }, p.packetId) },
          { label: 'Client', key: 'clientId' },
          { label: 'Name', key: 'name' },
          { label: 'Status', render: (p) => badge(p.status) },
        ],
        items,
      ),
    );
  } catch (error) {
    show('Contract packets', failure(error));
  }
}

async function packetView(packetId) {
  const path = `/v1/packets/${encodeURIComponent(packetId)}`;
  show(`Packet ${packetId}`, h('p', {}, 'Loading…'));
  try {
    const [packet, terms] = await Promise.all([api(path), api(`${path}/terms`)]);
    const reason = h('input', { id: 'reject-reason', name: 'reason', required: true, minlength: 3 });
    const reject = h(
      'form',
      {},
      h('label', { for: 'reject-reason' }, 'Reason for rejecting'),
      reason,
      ' ',
      h('button', { type: 'submit', class: 'danger' }, 'Reject'),
    );
    reject.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api(`${path}/reject`, { method: 'POST', body: { reason: reason.value } });
        say(`Rejected ${packetId}`);
        void packetView(packetId);
      } catch (error) {
        say(`Refused: ${error.message}`);
      }
    });
    const approve = async () => {
      try {
        await api(`${path}/approve`, { method: 'POST' });
        say(`Approved ${packetId}`);
        void packetView(packetId);
      } catch (error) {
        say(`Refused: ${error.message}`);
      }
    };
    const termItems = terms.items ?? [];
    // Only what the service allows in this state: approve a packet held for review; reject it or a validated one.
    const canApprove = packet.status === 'review';
    const canReject = packet.status === 'review' || packet.status === 'validated';
    show(
      `Packet ${packetId}`,
      h('p', { class: 'row' }, `${packet.clientId} · ${packet.name} · version ${packet.version}: `, h('span', { id: 'packet-status' }, badge(packet.status))),
      packet.reason ? h('p', { id: 'packet-reason' }, `Reason: ${packet.reason}`) : '',
      packet.decidedBy ? h('p', {}, `Decided by ${packet.decidedBy}`) : '',
      packet.conflicts?.length
        ? h(
            'section',
            {},
            h('h2', {}, 'Conflicts with promoted terms'),
            table(
              'Conflicts',
              [
                { label: 'Term', key: 'guaranteeId' },
                { label: 'This packet', render: (c) => c.proposed ?? 'not guaranteed' },
                { label: 'Promoted now', key: 'current' },
                { label: 'Where (this packet)', key: 'locator' },
                { label: 'Where (promoted)', key: 'currentLocator' },
              ],
              packet.conflicts,
            ),
          )
        : '',
      h('h2', {}, 'Extracted terms'),
      termItems.length
        ? table(
            'Terms',
            [
              { label: 'Term', key: 'guaranteeId' },
              { label: 'Metric', key: 'metric' },
              { label: 'Channel', key: 'channel' },
              { label: 'Drug type', key: 'drugType' },
              { label: 'Guaranteed', render: (t) => t.guaranteedValue ?? 'not guaranteed' },
              { label: 'Method', key: 'method' },
              { label: 'Source text', key: 'sourceText' },
            ],
            termItems,
          )
        : h('p', {}, 'No terms extracted.'),
      canApprove || canReject
        ? h(
            'section',
            {},
            h('h2', {}, 'Review'),
            canApprove ? h('p', {}, h('button', { type: 'button', onclick: approve }, 'Approve and promote the terms')) : '',
            canReject ? reject : '',
          )
        : h('p', {}, `Nothing to decide: the packet is ${packet.status}.`),
    );
  } catch (error) {
    show(`Packet ${packetId}`, failure(error));
  }
}

// ---- operations -----------------------------------------------------------------------------------

async function operationsView() {
  show('Operations', h('p', {}, 'Loading…'));
  try {
    const [queues, lanes, cluster] = await Promise.all([api('/v1/operations/queues'), api('/v1/operations/lanes'), api('/v1/operations/cluster')]);
    show(
      'Operations',
      h('h2', {}, 'Queues and subscriptions'),
      table(
        'Queue depths',
        [
          { label: 'Entity', key: 'entity' },
          { label: 'Subscription', key: 'subscription' },
          { label: 'Active', key: 'active', num: true },
          { label: 'Scheduled', key: 'scheduled', num: true },
          {
            label: 'Dead-lettered',
            num: true,
            render: (q) =>
              q.deadLettered > 0
                ? h(
                    'a',
                    { href: deadLettersHash(q.entity, q.subscription), 'aria-label': `${q.deadLettered} dead letters of ${entityLabel(q)}` },
                    String(q.deadLettered),
                  )
                : '0',
          },
          { label: 'Oldest active (s)', key: 'oldestActiveAgeSeconds', num: true },
          { label: 'Note', render: (q) => q.error ?? (q.capped ? `at least (peek bound ${queues.peekBound})` : '') },
        ],
        queues.items,
      ),
      h('h2', {}, 'Lanes'),
      table(
        'Lanes',
        [
          { label: 'Lane', key: 'lane' },
          { label: 'Queue', key: 'queue' },
          { label: 'Queued', key: 'queued', num: true },
          { label: 'Running', key: 'running', num: true },
          { label: 'Stuck', key: 'stuck', num: true },
          { label: 'Blocked', key: 'blocked', num: true },
          { label: 'Workers holding leases', render: (l) => l.workers.map((w) => `${w.workerId} (${w.tasks})`).join(', ') },
        ],
        lanes.items,
      ),
      h('h2', {}, 'Cluster'),
      cluster.available
        ? h(
            'div',
            {},
            table(
              'KEDA',
              [
                { label: 'Kind', key: 'kind' },
                { label: 'Name', key: 'name' },
                { label: 'Ready', render: (k) => badge(k.ready) },
                { label: 'Replicas', key: 'currentReplicas', num: true },
                { label: 'Message', key: 'message' },
              ],
              cluster.keda,
            ),
            table(
              'lane-worker pods',
              [
                { label: 'Pod', key: 'name' },
                { label: 'Phase', key: 'phase' },
                { label: 'Ready', render: (p) => badge(p.ready) },
                { label: 'Restarts', key: 'restarts', num: true },
                { label: 'Job', key: 'job' },
              ],
              cluster.laneWorkerPods,
            ),
          )
        : h('p', {}, `Not available: ${cluster.reason}`),
    );
  } catch (error) {
    show('Operations', failure(error));
  }
}

// ---- dead letters (operators) ----------------------------------------------------------------------

const entityLabel = (q) => (q.subscription ? `${q.entity} / ${q.subscription}` : q.entity);
const deadLettersHash = (entity, subscription) => `#/dead-letters/${encodeURIComponent(entity)}${subscription ? `/${encodeURIComponent(subscription)}` : ''}`;
const addressOf = (entity, subscription) => (subscription ? { topic: entity, subscription } : { queue: entity });

async function deadLettersView(entity, subscription) {
  show('Dead letters', h('p', {}, 'Loading…'));
  if (!(await isOperator())) return show('Dead letters', h('p', {}, 'Dead letters are for operators.'));
  try {
    const queues = await api('/v1/operations/queues');
    const chosen =
      queues.items.find((q) => q.entity === entity && (q.subscription ?? undefined) === (subscription || undefined)) ??
      queues.items.find((q) => q.deadLettered > 0) ??
      queues.items[0];
    const picker = h(
      'select',
      { id: 'dead-letter-entity' },
      queues.items.map((q) =>
        h('option', { value: deadLettersHash(q.entity, q.subscription), selected: q === chosen }, `${entityLabel(q)} (${q.deadLettered} dead-lettered)`),
      ),
    );
    picker.addEventListener('change', () => (location.hash = picker.value));
    const address = addressOf(chosen.entity, chosen.subscription);
    const page = await api(`/v1/operations/dead-letters?${new URLSearchParams({ ...address, maxCount: '100' })}`);
    const act = async (item, action) => {
      if (action === 'purge' && !confirm(`Purge dead letter ${item.messageId} for good? It is not sent anywhere.`)) return;
      try {
        const answer = await api(`/v1/operations/dead-letters/${encodeURIComponent(item.sequenceNumber)}/${action}`, {
          method: 'POST',
          body: address,
          idempotent: true,
        });
        say(action === 'resubmit' ? `Resubmitted ${item.messageId} as ${answer.messageId}` : `Purged ${item.messageId}`);
        await deadLettersView(chosen.entity, chosen.subscription);
      } catch (error) {
        say(`Refused: ${error.message}`);
      }
    };
    show(
      'Dead letters',
      h('p', { class: 'row' }, h('label', { for: 'dead-letter-entity' }, 'Queue or subscription'), picker),
      table(
        `Dead letters of ${entityLabel(chosen)}`,
        [
          { label: 'Message', render: (d) => h('code', {}, d.messageId) },
          { label: 'Subject', key: 'subject' },
          { label: 'Client', key: 'clientId' },
          { label: 'Reason', render: (d) => h('strong', {}, d.reason ?? '—') },
          { label: 'Description', key: 'description' },
          { label: 'Deliveries', key: 'deliveryCount', num: true },
          { label: 'Enqueued', key: 'enqueuedAt' },
          { label: 'Body (scrubbed)', render: (d) => h('code', { class: 'preview' }, d.bodyPreview, d.bodyPreviewTruncated ? '…' : '') },
          {
            label: 'Actions',
            render: (d) =>
              h(
                'span',
                { class: 'row' },
                d.bodyProblem
                  ? h('span', {}, `can never be handled (${d.bodyProblem.reason})`)
                  : h('button', { type: 'button', 'aria-label': `Resubmit ${d.messageId}`, onclick: () => act(d, 'resubmit') }, 'Resubmit'),
                h('button', { type: 'button', class: 'danger', 'aria-label': `Purge ${d.messageId}`, onclick: () => act(d, 'purge') }, 'Purge'),
              ),
          },
        ],
        page.items,
      ),
      page.nextFromSequenceNumber ? h('p', {}, 'Showing the oldest 100; resubmit or purge them to see more.') : '',
    );
  } catch (error) {
    show('Dead letters', failure(error));
  }
}

// ---- routing --------------------------------------------------------------------------------------

function route() {
  const signedIn = Boolean(sessionStorage.getItem(tokenKey)) || sessionStorage.getItem(whoKey) === 'access';
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !sessionStorage.getItem(tokenKey);
  document.getElementById('who').textContent = sessionStorage.getItem(whoKey) ?? '';
  // Operations and dead letters are for operators: nobody else is shown the way there.
  if (signedIn)
    void isOperator().then((operator) => {
      for (const id of ['nav-operations', 'nav-dead-letters']) document.getElementById(id).hidden = !operator;
    });
  else for (const id of ['nav-operations', 'nav-dead-letters']) document.getElementById(id).hidden = true;
  const [, view, a, b] = location.hash.split('/').map(decodeURIComponent);
  if (!signedIn) return void signInView();
  switch (view) {
    case 'runs':
      return void runsView(a);
    case 'run':
      return void runView(a, b);
    case 'tasks':
      return void tasksView();
    case 'task':
      return void taskView(a);
    case 'packets':
      return void packetsView();
    case 'packet':
      return void packetView(a);
    case 'operations':
      return void operationsView();
    case 'dead-letters':
      return void deadLettersView(a, b);
    default:
      return void clientsView();
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  signedOut();
  location.hash = '';
  route();
});
window.addEventListener('hashchange', route);

// Behind Cloudflare Access there is no token: the page is signed in when the API answers it.
if (!sessionStorage.getItem(tokenKey)) {
  fetch('/v1/clients', { headers: headers() }).then((r) => {
    if (r.ok) sessionStorage.setItem(whoKey, 'access');
    route();
  }, route);
} else route();
