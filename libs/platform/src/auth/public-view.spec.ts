import type { Identity } from '@leaf/contracts';
import { jsonMayHoldInternals, redactInternals, viewFor, viewOfJson, withholdInternals } from './public-view';

const analyst: Identity = { subject: 'ana', roles: ['analyst'], clientIds: ['blue-ridge-municipal-trust'], issuer: 'dev' };
const operator: Identity = { subject: 'ops', roles: ['operator'], clientIds: '*', issuer: 'dev' };

const leaks: Array<[string, string]> = [
  ['claims-runtime did not answer: connect ECONNREFUSED 10.0.3.17:5432', 'claims-runtime did not answer: connect ECONNREFUSED [address withheld]'],
  ['GET http://claims-runtime:8080/v1/clients/x failed', 'GET [internal url withheld] failed'],
  ['GET http://claims-runtime:8080/v1/x: refused.', 'GET [internal url withheld]: refused.'],
  ['at http://claims-runtime.leaf.svc.cluster.local:8080/v1/runs', 'at [internal url withheld]'],
  ['db-primary.leaf.svc.cluster.local:5432 refused', '[address withheld] refused'],
  ['download https://acct.blob.core.windows.net/c/x.pdf?sv=2024&sig=abc%3D failed', 'download [url withheld] failed'],
  ['worker lane-worker-long-7d9f8c6b5d-x2k4q/1 stopped', 'worker [host withheld]/1 stopped'],
  ['exited (pid 4242)', 'exited ([pid withheld])'],
  ['ENOENT: no such file /srv/app/.data/lake/artifacts/x', 'ENOENT: no such file [path withheld]'],
  ['cannot open C:\\Users\\leaf\\data.db', 'cannot open [path withheld]'],
  [
    'TypeError: x is undefined\n    at run (/srv/app/dist/main.js:12:3)\n    at node:internal/process/task_queues:95:5',
    'TypeError: x is undefined [stack withheld] [stack withheld]',
  ],
  ['query failed: SELECT "claim_id" FROM claims WHERE client_id = $1', '[internal detail withheld]'],
];

describe('withholding internals from non-operators', () => {
  it.each(leaks)('withholds %j', (input, expected) => {
    expect(withholdInternals(input)).toBe(expected);
  });

  it('leaves ordinary data alone: client ids, ids, problem types, timestamps, relative keys and prose', () => {
    const data = {
      clientId: 'blue-ridge-municipal-trust',
      taskId: 'tsk_abcdefghijklmnopqrstuvwxyz',
      type: 'https://leaf.dev/problems/not-found',
      instance: 'urn:leaf:request:5e570ebb-efe0-490e-a25d-bac89af33b06',
      at: '2026-11-23T10:30:00.000Z',
      reason: 'retry scheduled at 2026-11-23T10:30:00Z after claims-runtime answered 503',
      lakeKey: 'artifacts/sha256/ab/abcdef',
      locator: 'Rates!D7',
      path: 'Contract packets/harbor-valley-sd/rate-schedule.pdf',
      note: 'Select a period from the list, then update the set of terms',
      nextLink: '/v1/clients/x/reconciliations/rec_1/findings?cursor=c2',
      amount: 1234.56,
      worker: 'wkr_0123456789abcdef',
    };
    expect(redactInternals(data)).toEqual(data);
  });

  it('shows operators the answer as it is', () => {
    const answer = { error: { detail: 'connect ECONNREFUSED 10.0.3.17:5432' } };
    expect(viewFor(operator, answer)).toBe(answer);
    expect(viewFor(analyst, answer)).toEqual({ error: { detail: 'connect ECONNREFUSED [address withheld]' } });
    expect(viewFor(undefined, answer)).toEqual({ error: { detail: 'connect ECONNREFUSED [address withheld]' } });
  });
});

describe('the view of a relayed JSON text', () => {
  // Each leak alone as a whole string value too: a pattern's boundaries (\b, a look-behind, an end
  // of input) then fall on the string's quotes in the text, where the whole-text check must still see it.
  const whole = ['10.0.3.17', 'http://claims-runtime', '/srv/app/main.js', 'pid 4242', 'db.leaf.svc:5432', 'lane-worker-long-7d9f8c6b5d-x2k4q'];
  const answers = [
    ...leaks.map(([input]) => ({ items: [{ clientId: 'blue-ridge-municipal-trust', error: input }] })),
    ...whole.map((value) => ({ detail: value })),
    ...whole.map((value) => [value, 'ordinary']),
  ];

  it.each(answers)('withholds for a non-operator what viewFor withholds: %j', (answer) => {
    const json = JSON.stringify(answer);
    expect(jsonMayHoldInternals(json)).toBe(true);
    expect(viewOfJson(analyst, json)).toEqual(viewFor(analyst, answer));
    expect(viewOfJson(undefined, json)).toEqual(viewFor(undefined, answer));
    expect(viewOfJson(operator, json)).toEqual(answer);
  });

  it('finds nothing to withhold in ordinary data, and passes its parsed value through as it is', () => {
    const json = JSON.stringify({
      items: [{ clientId: 'blue-ridge-municipal-trust', name: 'Blue Ridge Municipal Trust', startDate: '2025-01-01', memberCount: 4200 }],
    });
    expect(jsonMayHoldInternals(json)).toBe(false);
    expect(jsonMayHoldInternals(json)).toBe(false);
    expect(viewOfJson(analyst, json)).toEqual(JSON.parse(json));
  });

  it('walks the value whenever the text has an escape, since a string may then differ from its text', () => {
    // "\u002f" is "/": the text shows no path, the value does.
    const json = '{"detail":"cannot open \\u002fsrv\\u002fapp\\u002fmain.js"}';
    expect(jsonMayHoldInternals(json)).toBe(true);
    expect(viewOfJson(analyst, json)).toEqual({ detail: 'cannot open [path withheld]' });
  });

  it('answers the same for a text it has seen before, leak or not', () => {
    const leak = JSON.stringify({ detail: 'connect ECONNREFUSED 10.0.3.17:5432' });
    for (let i = 0; i < 3; i++) {
      expect(viewOfJson(analyst, leak)).toEqual({ detail: 'connect ECONNREFUSED [address withheld]' });
      expect(viewOfJson(analyst, '{"detail":"ok"}')).toEqual({ detail: 'ok' });
    }
  });

  it('refuses a text that is not JSON', () => {
    expect(() => viewOfJson(analyst, '{"detail":')).toThrow(SyntaxError);
  });
});
