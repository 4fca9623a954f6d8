import { Connection, OAuth2 } from 'jsforce';
import { FakeSalesforceServer } from './fake-salesforce.server';

/** The fake speaks what jsforce 3 expects: its real client drives every route here. */
describe('FakeSalesforceServer through jsforce', () => {
  let fake: FakeSalesforceServer;
  let conn: Connection;

  beforeAll(async () => {
    fake = await FakeSalesforceServer.start({ requests: 30, queryPageSize: 7, bulkPageSize: 11 });
    conn = new Connection({ oauth2: new OAuth2({ loginUrl: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret }), version: '62.0' });
    await conn.authorize({ grant_type: 'client_credentials' });
  });
  afterAll(async () => fake.stop());

  it('issues a token for the client credentials and refuses wrong ones', async () => {
    expect(conn.instanceUrl).toBe(fake.url);
    const wrong = new Connection({ oauth2: new OAuth2({ loginUrl: fake.url, clientId: fake.clientId, clientSecret: 'nope' }) });
    await expect(wrong.authorize({ grant_type: 'client_credentials' })).rejects.toThrow(/invalid client credentials/);
  });

  it('pages a query with nextRecordsUrl and counts with COUNT()', async () => {
    const first = await conn.query<{ Id: string; Name: string; SystemModstamp: string }>('SELECT Id, Name, SystemModstamp FROM IT_Request__c ORDER BY Name');
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(7);
    expect(first.records[0].SystemModstamp).toMatch(/\+0000$/);
    let all = [...first.records];
    let page = first;
    while (!page.done && page.nextRecordsUrl) {
      page = await conn.queryMore(page.nextRecordsUrl);
      all = all.concat(page.records);
    }
    expect(all.map((r) => r.Name)).toEqual(Array.from({ length: 30 }, (_, i) => `ITR-${String(i + 1).padStart(5, '0')}`));
    expect((await conn.query('SELECT COUNT() FROM IT_Request__c')).totalSize).toBe(30);
    expect(conn.limitInfo.apiUsage?.limit).toBe(100_000);
  });

  it('refuses an unknown column the way Salesforce does', async () => {
    await expect(conn.query('SELECT Id, Nope__c FROM IT_Request__c')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  });

  it('runs a Bulk API 2.0 query job whose CSV results are paged by Sforce-Locator', async () => {
    // The job is created and polled through jsforce's connection; the pages are read by locator the
    // way salesforce-mirror reads them (jsforce 3.10's QueryJobV2.result() fails from the second
    // page with 'write after end', jsforce#1546).
    const job = await conn.request<{ id: string; state: string }>({
      method: 'POST',
      url: '/jobs/query',
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id, Name, Client__c FROM IT_Request__c' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(job.state).toBe('UploadComplete');
    const states: string[] = [];
    for (let state = ''; state !== 'JobComplete'; ) {
      state = (await conn.request<{ state: string }>(`/jobs/query/${job.id}`)).state;
      states.push(state);
    }
    expect(states).toEqual(['InProgress', 'JobComplete']);
    const ids: string[] = [];
    let locator: string | null = null;
    let pages = 0;
    do {
      const res: Response = await fetch(`${fake.url}/services/data/v62.0/jobs/query/${job.id}/results${locator ? `?locator=${locator}` : ''}`, {
        headers: { authorization: `Bearer ${conn.accessToken}`, accept: 'text/csv' },
      });
      expect(res.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/);
      const [header, ...rows] = (await res.text()).trim().split('\n');
      expect(header).toBe('Id,Name,Client__c');
      ids.push(...rows.map((r) => JSON.parse(r.split(',')[0]) as string));
      locator = res.headers.get('sforce-locator');
      pages++;
    } while (locator && locator !== 'null');
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(30);
  });

  it('describes objects, including a custom field added later', async () => {
    const id = [...fake.org.object('IT_Request__c')!.records.keys()][0];
    fake.org.addCustomField('IT_Request__c', { name: 'Cost_Center__c', type: 'string' }, () => 'CC-100');
    const describe = await conn.sobject('IT_Request__c').describe();
    expect(describe.fields.map((f) => f.name)).toContain('Cost_Center__c');
    const row = await conn.query<{ Cost_Center__c: string }>(`SELECT Cost_Center__c FROM IT_Request__c WHERE Id = '${id}'`);
    expect(row.records[0].Cost_Center__c).toBe('CC-100');
  });

  it('reports deletes within the Recycle Bin horizon and refuses a start before it', async () => {
    const id = [...fake.org.object('IT_Request__c')!.records.keys()][1];
    const before = new Date(Date.now() - 60_000);
    fake.org.delete('IT_Request__c', id);
    const deleted = await conn.sobject('IT_Request__c').deleted(before, new Date(Date.now() + 60_000));
    expect(deleted.deletedRecords.map((d) => d.id)).toEqual([id]);
    fake.org.purgeDeletes();
    await expect(conn.sobject('IT_Request__c').deleted(before, new Date(Date.now() + 60_000))).rejects.toMatchObject({ errorCode: 'INVALID_REPLICATION_DATE' });
  });

  it('streams a file version and refuses over the API limit', async () => {
    const [versionId, bytes] = [...fake.org.blobs.entries()][0];
    const chunks: Buffer[] = [];
    for await (const c of conn.sobject('ContentVersion').record(versionId).blob('VersionData')) chunks.push(Buffer.from(c as Buffer));
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    fake.exceedLimit(1);
    await expect(conn.query('SELECT Id FROM Note')).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    await expect(conn.query('SELECT Id FROM Note')).resolves.toMatchObject({ done: expect.any(Boolean) });
  });
});
