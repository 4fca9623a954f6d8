import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TaskDetail } from '@leaf/contracts';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../stack/start-local-stack';

// Debian's Chromium (.ci/run installs it when missing). No browser is ever downloaded: when it is
// absent this spec fails saying so, it does not skip.
const chromiumPath = process.env['LEAF_CHROMIUM'] ?? '/usr/bin/chromium';
const images = resolve(__dirname, '..', '..', '..', '..', 'docs', 'images');

/**
 * Issue 23's console in a real browser against the local stack: sign in, start a run and see it
 * finish, open a finding's evidence, download the PDF, approve a task; another client's data never
 * appears. Screenshots of the main pages go to docs/images/ (the README shows them).
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
    await page.getByRole('heading', { name: 'Lanes' }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('agent-tasks-long');
    expect(text).toContain('Not available: not running in a Kubernetes cluster');
    await page.screenshot({ path: join(images, 'console-operations.png') });
  }, 60_000);
});
