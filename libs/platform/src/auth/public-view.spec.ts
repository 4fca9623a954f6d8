import type { Identity } from '@leaf/contracts';
import { redactInternals, viewFor, withholdInternals } from './public-view';

const analyst: Identity = { subject: 'ana', roles: ['analyst'], clientIds: ['blue-ridge-municipal-trust'], issuer: 'dev' };
const operator: Identity = { subject: 'ops', roles: ['operator'], clientIds: '*', issuer: 'dev' };

describe('withholding internals from non-operators', () => {
  it.each([
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
  ])('withholds %j', (input, expected) => {
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
