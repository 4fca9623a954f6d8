import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DeadLetterList, PacketList, PacketSummary, TaskDetail } from '@leaf/contracts';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { createSyntheticSeed, rateScheduleXlsx, scheduleRows } from '@leaf/synthetic-data';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../stack/start-local-stack';

// Debian's Chromium (.ci/run installs it when missing). No browser is ever downloaded: when it is
// absent this spec fails saying so, it does not skip.
const chromiumPath = process.env['LEAF_CHROMIUM'] ?? '/usr/bin/chromium';
const images = resolve(__dirname, '..', '..', '..', '..', 'docs', 'images');

/**
 * Issue 23's console in a real browser against the local stack: sign in, start a run and see it
 * finish, open a finding's evidence, download the PDF, approve a task, review a contract packet
 * (approve one, reject another), resubmit a dead letter; another client's data never appears and
 * an analyst never sees operations. Screenshots of the main pages go to docs/images/ (the README
 * shows them).
 */
describe('the web console in Chromium against the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-console-stack-'));
  const env = { LEAF_DATA_DIR: dataDir, LEAF_SEED_CLAIMS: '3000', LEAF_PORT_OFFSET: String(35_000 + (process.pid % 5_000)), LOG_LEVEL: 'warn' };
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;
  let clientA: string;
  let clientB: string;
  let periodA: string;
  const token = (subject: string, clients: string[] | '*') =>
    mintDevToken(loadOrCreateDevIssuerKeys(join(dataDir, 'dev-issuer')), { subject, roles: ['operator'], clients });
  const until = async <T>(probe: () => Promise<T>, done: (value: T) => boolean, tries = 600): Promise<T> => {
    let value = await probe();
    for (let i = 0; i < tries && !done(value); i++) {
      await new Promise((r) => setTimeout(r, 100));
      value = await probe();
    }
    if (!done(value)) throw new Error(`condition not met: ${JSON.stringify(value).slice(0, 500)}`);
    return value;
  };
  const api = async <T>(path: string, bearer: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${stack.gatewayUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'idempotency-key': `console-${Math.random().toString(36).slice(2)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    if (!existsSync(chromiumPath))
      throw new Error(`Chromium is not installed at ${chromiumPath}: .ci/run installs Debian's chromium package (apt-get install chromium)`);
    stack = await startLocalStack(env);
    const clients = await api<{ items: Array<{ clientId: string; periods: Array<{ periodId: string }> }> }>('/v1/clients', await token('setup@e2e', '*'));
    const withPeriods = clients.items.filter((c) => c.periods.length > 0);
    clientA = withPeriods[0].clientId;
    periodA = withPeriods[0].periods[0].periodId;
    clientB = clients.items.find((c) => c.clientId !== clientA)?.clientId ?? '';
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 800 }, acceptDownloads: true });
    mkdirSync(images, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in locally as an operator of one client and sees only that client', async () => {
    await page.goto(`${stack.gatewayUrl}/console`);
    await page.getByLabel('User name').fill('olivia@local');
    await page.getByLabel('Role').selectOption('operator');
    await page.getByLabel('Clients (comma-separated ids, or * for all)').fill(clientA);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Clients and periods' }).waitFor();
    await page.getByRole('heading', { name: new RegExp(clientA) }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain(clientB);
    await page.screenshot({ path: join(images, 'console-clients.png') });
  }, 60_000);

  it('starts a run and follows it to the end, opens a finding with its evidence and downloads the PDF', async () => {
    await page.getByRole('button', { name: `Start reconciliation of ${periodA}` }).click();
    await page.locator('#run-status .badge.succeeded').waitFor({ timeout: 180_000 });
    await page.getByRole('heading', { name: 'Findings' }).waitFor();
    const finding = page.locator('details.finding').first();
    await finding.locator('summary').click();
    await finding.getByRole('heading', { name: 'Evidence' }).waitFor();
    await page.screenshot({ path: join(images, 'console-run.png'), fullPage: false });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download reconciliation.pdf' }).click()]);
    const saved = join(dataDir, 'downloaded.pdf');
    await download.saveAs(saved);
    expect(readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');
  }, 240_000);

  it("approves a task another operator asked for; another client's task never shows", async () => {
    const requester = await token('requester@e2e', [clientA]);
    const mutating = await api<TaskDetail>('/v1/tasks', requester, { kind: 'contracts.sync', clientId: clientA, parameters: {} });
    expect(mutating.status).toBe('blocked');
    const other = await api<TaskDetail>('/v1/tasks', await token('other@e2e', [clientB]), { kind: 'platform.noop', clientId: clientB, parameters: {} });
    await page.goto(`${stack.gatewayUrl}/console#/tasks`);
    await page.getByRole('link', { name: mutating.taskId }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain(other.taskId);
    await page.getByRole('link', { name: mutating.taskId }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Approved: ${mutating.taskId}` })
      .waitFor();
    await page.locator('#task-events li').first().waitFor();
    await page.screenshot({ path: join(images, 'console-task.png') });
    const after = await api<TaskDetail>(`/v1/tasks/${mutating.taskId}`, requester);
    expect(after.status).not.toBe('blocked');
    // Another client's run list through the console: refused by the API, nothing of it shown.
    await page.goto(`${stack.gatewayUrl}/console#/runs/${clientB}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('Could not load');
  }, 120_000);

  it('shows operations: queues, lanes and why the cluster cannot be read here', async () => {
    await page.goto(`${stack.gatewayUrl}/console#/operations`);
    // The page reads queues, lanes and cluster at once: on a loaded machine that takes a while; a refusal says why.
    await page.getByRole('heading', { name: 'Lanes' }).or(page.getByRole('alert')).first().waitFor({ timeout: 90_000 });
    if (await page.getByRole('alert').count()) throw new Error(`the operations page failed: ${await page.getByRole('alert').innerText()}`);
    const text = await page.locator('main').innerText();
    expect(text).toContain('agent-tasks-long');
    expect(text).toContain('Not available: not running in a Kubernetes cluster');
    await page.screenshot({ path: join(images, 'console-operations.png') });
  }, 120_000);
  // ---- h-ops: packet review, dead letters, what an analyst sees ----

  /** A re-issued rate schedule of client A's period with one fee changed, dropped into the packets folder and synced: held for review. */
  const reissue = async (name: string, fee: string): Promise<PacketSummary> => {
    const seed = createSyntheticSeed({ seed: stack.config.LEAF_SEED, claims: stack.config.LEAF_SEED_CLAIMS });
    const period = seed.contractPeriods.find((p) => p.periodId === periodA);
    if (!period) throw new Error(`period ${periodA} is not in the seed`);
    const guarantees = seed.contractGuarantees.filter((g) => g.periodId === periodA);
    const changed = guarantees.find((g) => g.metric === 'dispensing_fee' && g.channel === 'retail30') ?? guarantees[0];
    const bytes = await rateScheduleXlsx(
      { title: 'Rate schedule', document: 'Rate Schedule', period },
      scheduleRows(guarantees.map((g) => (g === changed ? { ...g, guaranteedValue: fee } : g))),
    );
    writeFileSync(join(dataDir, 'packets', clientA, name), bytes);
    const setup = await token('setup@e2e', '*');
    await api('/v1/packets/sync', setup, { clientId: clientA });
    return until(
      async () => (await api<PacketList>(`/v1/packets?clientId=${clientA}&limit=200`, setup)).items.find((p) => p.name === name),
      (p) => p?.status === 'review',
      300,
    ) as Promise<PacketSummary>;
  };

  it('reviews contract packets: sees the conflicts, approves one, rejects another with the reason', async () => {
    const held = await reissue('reissued rate schedule (console).xlsx', '0.35');
    await page.goto(`${stack.gatewayUrl}/console#/packets`);
    await page.getByRole('link', { name: held.packetId }).click();
    await page.getByRole('heading', { name: 'Conflicts with promoted terms' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('0.35');
    await page.screenshot({ path: join(images, 'console-packet.png') });
    await page.getByRole('button', { name: 'Approve and promote the terms' }).click();
    await page.locator('#packet-status .badge.promoted').waitFor();
    expect(await page.getByRole('button', { name: 'Approve and promote the terms' }).count()).toBe(0);

    const second = await reissue('second reissue (console).xlsx', '0.55');
    await page.goto(`${stack.gatewayUrl}/console#/packet/${second.packetId}`);
    await page.getByLabel('Reason for rejecting').fill('the fee schedule is from a superseded draft');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.locator('#packet-status .badge.rejected').waitFor();
    expect(await page.locator('#packet-reason').innerText()).toContain('the fee schedule is from a superseded draft');
    const setup = await token('setup@e2e', '*');
    const after = await api<PacketList>(`/v1/packets?clientId=${clientA}&limit=200`, setup);
    expect(after.items.filter((p) => [held.packetId, second.packetId].includes(p.packetId)).map((p) => [p.packetId, p.status])).toEqual(
      expect.arrayContaining([
        [held.packetId, 'promoted'],
        [second.packetId, 'rejected'],
      ]),
    );
  }, 240_000);

  it("shows an operator a dead letter with its reason and resubmits it; another client's never shows", async () => {
    // Plant: a wake-up for a finished task that expires at once, so the lane-worker's next look
    // dead-letters it (TTLExpiredException), as the bus does with a message nobody took in time.
    const bus = stack.apps[0].get<MessageBus>(MESSAGE_BUS, { strict: false });
    const plant = async (clientId: string, bearer: string) => {
      const task = await api<TaskDetail>('/v1/tasks', bearer, { kind: 'platform.noop', clientId, parameters: { note: 'dead-letter plant' } });
      await until(
        () => api<TaskDetail>(`/v1/tasks/${task.taskId}`, bearer),
        (t) => t.status === 'succeeded',
      );
      const messageId = `console-planted-${clientId}-${Date.now()}`;
      await bus.send('agent-tasks', {
        body: { taskId: task.taskId, kind: 'platform.noop', clientId, parameters: {}, requestedBy: 'console-spec' },
        messageId,
        timeToLiveMs: 1,
      });
      return messageId;
    };
    const operatorAll = await token('setup@e2e', '*');
    const mine = await plant(clientA, await token('requester@e2e', [clientA]));
    const theirs = await plant(clientB, await token('other@e2e', [clientB]));
    await until(
      () => api<DeadLetterList>('/v1/operations/dead-letters?queue=agent-tasks&maxCount=200', operatorAll),
      (l) => [mine, theirs].every((id) => l.items.some((d) => d.messageId === id)),
    );

    await page.goto(`${stack.gatewayUrl}/console#/operations`);
    await page.getByRole('link', { name: 'Dead letters', exact: true }).click();
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await page.getByLabel('Queue or subscription').selectOption({ value: '#/dead-letters/agent-tasks' });
    const row = page.getByRole('row').filter({ hasText: mine });
    await row.waitFor();
    expect(await row.innerText()).toContain('TTLExpiredException');
    expect(await page.locator('main').innerText()).not.toContain(theirs);
    await page.screenshot({ path: join(images, 'console-dead-letters.png') });
    await page.getByRole('button', { name: `Resubmit ${mine}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Resubmitted ${mine}` })
      .waitFor();
    await until(
      () => page.locator('main').innerText(),
      (text) => !text.includes(mine),
    );
    // The copy was taken by the lane-worker (the task had finished: nothing to run) and did not come back.
    const remaining = await until(
      () => api<DeadLetterList>('/v1/operations/dead-letters?queue=agent-tasks&maxCount=200', operatorAll),
      (l) => !l.items.some((d) => d.messageId === mine),
    );
    expect(remaining.items.some((d) => d.messageId === theirs)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    const resubmitted = await api<DeadLetterList>('/v1/operations/dead-letters?queue=agent-tasks&maxCount=200', operatorAll);
    expect(resubmitted.items.filter((d) => d.clientId === clientA && d.bodyPreview.includes('console-spec'))).toEqual([]);
  }, 180_000);

  it('never shows an analyst the operations or dead letters', async () => {
    const analyst = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    try {
      await analyst.goto(`${stack.gatewayUrl}/console`);
      await analyst.getByLabel('User name').fill('ana@local');
      await analyst.getByLabel('Role').selectOption('analyst');
      await analyst.getByLabel('Clients (comma-separated ids, or * for all)').fill('*');
      await analyst.getByRole('button', { name: 'Sign in' }).click();
      await analyst.getByRole('heading', { name: 'Clients and periods' }).waitFor();
      await analyst.getByRole('link', { name: 'Tasks' }).waitFor();
      expect(await analyst.getByRole('link', { name: 'Dead letters' }).count()).toBe(0);
      expect(await analyst.getByRole('link', { name: 'Operations' }).count()).toBe(0);
      await analyst.goto(`${stack.gatewayUrl}/console#/dead-letters/agent-tasks`);
      await analyst.getByText('Dead letters are for operators.').waitFor();
      expect(await analyst.getByRole('button', { name: /^Resubmit/ }).count()).toBe(0);
    } finally {
      await analyst.close();
    }
  }, 60_000);
});
