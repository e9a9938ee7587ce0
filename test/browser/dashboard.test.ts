import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { formBody, offer } from '../helpers/callback-bodies';
import { startFanoutRig, waitDelivered, type Rig } from '../helpers/fanout-rig';
import { SECRETS, waitFor } from '../helpers/test-config';

/**
 * @sparticuz/chromium is an ES module, which jest's CommonJS runtime cannot load: ask plain Node for the browser's
 * path (it unpacks the binary to /tmp on first use) and its flags.
 */
async function chromiumLaunchInfo(): Promise<{ path: string; args: string[] }> {
  const script =
    "import('@sparticuz/chromium').then(async ({ default: c }) => " +
    'process.stdout.write(JSON.stringify({ path: await c.executablePath(), args: c.args })))';
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: path.join(__dirname, '../..'),
    timeout: 120_000,
  });
  return JSON.parse(stdout) as { path: string; args: string[] };
}

// A real browser over a real hub: the page's script, cookie, CSRF header and CSP are exercised as a user meets them.
jest.setTimeout(180_000);

const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'stockbridge-browser-'));

describe('dashboard in a real browser', () => {
  let rig: Rig;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  let failed = false;
  const pageErrors: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    rig = await startFanoutRig({ skus: ['TSHIRT-1'], target: { maxAttempts: 1 } });
    server = rig.hub.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await rig.post([offer('TSHIRT-1', { main: 5, north: 2 }), offer('GHOST-9', { main: 1 })]);
    // What the callbacks section must put in words: a figure for a warehouse no shop maps, a refused callback
    // (a negative quantity) and a question with its answer.
    await rig.post([offer('LONELY-1', { south: 4 })]);
    const callback = (body: string) =>
      request(rig.hub.app).post('/callbacks/inventories-upload').type('form').send(body);
    expect((await callback(formBody([offer('BAD-1', { main: -1 })]))).status).toBe(400);
    const asked = await callback(formBody([{ xmlId: 'TSHIRT-1' }, { xmlId: 'NEVER-SENT' }]));
    expect(asked.status).toBe(200);
    await waitDelivered(rig.hub, 'shop', ['TSHIRT-1']);
    await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', 'GHOST-9'))?.dead, {
      what: 'a dead letter',
    });
    const launch = await chromiumLaunchInfo();
    // hub.lan: a name that is not localhost, for the plain-HTTP step (a browser treats localhost as secure).
    const args = [...launch.args, '--host-resolver-rules=MAP hub.lan 127.0.0.1'];
    browser = await chromium.launch({ executablePath: launch.path, args, headless: true });
    page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => {
      // The browser logs every 4xx it fetched (401 before sign-in, 404 for a feature not yet there): not script errors.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
  });

  /** Run a step; on failure keep a screenshot of the page as it was, then fail. */
  function step(name: string, fn: () => Promise<void>): void {
    it(name, async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        await page
          ?.screenshot({ path: path.join(artifacts, `${name.replace(/\W+/g, '-')}.png`) })
          .catch(() => undefined);
        throw e;
      }
    });
  }

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await rig?.close();
    if (failed) process.stderr.write(`dashboard screenshots kept in ${artifacts}\n`);
    else fs.rmSync(artifacts, { recursive: true, force: true });
  });

  const target = () => page.locator('[data-target="shop"]');

  step('over plain HTTP at a name that is not localhost, the page works (styles, script, sign-in)', async () => {
    const failedRequests: string[] = [];
    const onFailed = (r: { url: () => string; failure: () => { errorText: string } | null }) =>
      failedRequests.push(`${r.url()} ${r.failure()?.errorText}`);
    page.on('requestfailed', onFailed);
    const url = `http://hub.lan:${(server.address() as AddressInfo).port}/dashboard`;
    await page.goto(url);
    // The script ran (it shows the refusal's reason) and the stylesheet applied (the body's font comes from it).
    await page.fill('#token', 'wrong');
    await page.click('#sign-in-button');
    await page.locator('#sign-in-refused', { hasText: 'not auth.adminToken' }).waitFor();
    expect(await page.evaluate<string>('getComputedStyle(document.body).fontFamily')).toContain('system-ui');
    await page.fill('#token', SECRETS.adminToken);
    await page.click('#sign-in-button');
    await page.locator('#app').waitFor({ state: 'visible' });
    expect(page.url()).toBe(url);
    page.off('requestfailed', onFailed);
    expect(failedRequests).toEqual([]);
    await page.click('#sign-out');
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    expect(await page.context().cookies()).toEqual([]);
  });

  step('signs in with the admin token (a wrong one is refused), never putting it in the URL', async () => {
    await page.goto(`${base}/dashboard`);
    await page.fill('#token', 'not-the-token');
    await page.click('#sign-in-button');
    await page.locator('#sign-in-refused').waitFor({ state: 'visible' });
    await page.fill('#token', SECRETS.adminToken);
    await page.click('#sign-in-button');
    await page.locator('#app').waitFor({ state: 'visible' });
    expect(page.url()).toBe(`${base}/dashboard`);
    await target().locator('[data-field="state"]', { hasText: 'active' }).waitFor();
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'stockbridge_session', httpOnly: true, sameSite: 'Strict' }),
    ]);
  });

  step('shows the target with its dead letter and what to do', async () => {
    await target().locator('[data-action="retry-dead"][data-item="GHOST-9"]').waitFor();
    await expect(target().textContent()).resolves.toContain('Product not found');
    await expect(target().textContent()).resolves.toContain('add it to the shop catalogue');
  });

  step('at a phone width (390 px) nothing scrolls sideways and every button is on screen and reachable', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.reload();
      await target().locator('[data-action="retry-dead"]').waitFor();
      await page.locator('#callbacks [data-field="rejected"]').first().waitFor();
      await page.fill('#search-input', 'TSHIRT-1');
      await page.press('#search-input', 'Enter');
      await page.locator('#item [data-action="live"]').waitFor();
      // Every callback body open: the widest thing the page can show.
      await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })");
      const widths = await page.evaluate<{ scroll: number; client: number }>(
        '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
      );
      expect(widths.client).toBeLessThanOrEqual(390);
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      const buttons = page.locator('button:visible');
      const count = await buttons.count();
      expect(count).toBeGreaterThanOrEqual(5); // sign out, pause, retry, search, ask the shop
      for (let i = 0; i < count; i++) {
        const b = buttons.nth(i);
        await b.scrollIntoViewIfNeeded();
        const box = await b.boundingBox();
        expect(box).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(widths.client);
        // Reachable: a trial click runs the browser's own checks (visible, enabled, not covered) without clicking.
        await b.click({ trial: true, timeout: 5000 });
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  step(
    'puts callbacks in words: the decoded body (clientId masked), why one was refused, a question and its answer',
    async () => {
      const box = page.locator('#callbacks');
      await box.locator('[data-field="rejected"]', { hasText: 'rejected 400' }).first().waitFor();
      const rejected = await box.locator('[data-field="rejected"]').first().textContent();
      expect(rejected).toMatch(/rejected 400: .*available/);
      const bodies = await box.locator('[data-field="body"]').allTextContents();
      const lonely = bodies.find((b) => b.includes('LONELY-1'));
      expect(lonely).toContain('"clientId": "***"');
      expect(lonely).toContain('"code": "south"');
      expect(lonely).not.toContain('%22');
      const question = box.locator('[data-field="question"]');
      await question.first().waitFor();
      const text = await question.first().textContent();
      expect(text).toContain('TSHIRT-1');
      expect(text).toMatch(/main: 5/);
      expect(text).toContain('NEVER-SENT');
      expect(text).toContain('not known here');
    },
  );

  step('shows a figure for a warehouse no shop maps, saying so', async () => {
    await page.fill('#search-input', 'LONELY-1');
    await page.press('#search-input', 'Enter');
    await page.locator('#item', { hasText: 'warehouse south is mapped by no shop' }).waitFor();
    expect(await page.locator('#item').textContent()).not.toContain('No CRM figures have been received');
  });

  step('shows how the target identifies items, its batch size and its warehouse map', async () => {
    const ids = target().locator('[data-field="identifiers"]');
    await ids.waitFor();
    const text = await ids.textContent();
    expect(text).toContain('Items: sku');
    expect(text).toContain('up to 1 per request');
    expect(text).toContain('main → Depozit central');
  });

  step('searches a SKU across everything and asks the shop for its live figure', async () => {
    await page.fill('#search-input', 'TSHIRT-1');
    await page.press('#search-input', 'Enter');
    const item = page.locator('#item');
    await item.locator('td[data-label="quantity"]', { hasText: '5' }).first().waitFor();
    expect(await item.textContent()).toContain('Depozit central');
    await item.locator('[data-field="delivery"]', { hasText: 'up to date' }).waitFor();
    await item.locator('[data-action="live"]').click();
    const live = item.locator('.live table');
    await live.waitFor();
    expect(await live.textContent()).toMatch(/Depozit central\s*5/);
  });

  step('pauses and resumes the target, the page following each change and saying why figures wait', async () => {
    await target().locator('[data-action="pause"]').click();
    await target().locator('[data-field="state"]', { hasText: 'paused' }).waitFor();
    expect((await rig.hub.storage.hubState.getTarget('shop')).paused).toBe(true);
    await rig.post([offer('TSHIRT-1', { main: 6, north: 1 })]);
    await rig.hub.projector.idle();
    await page.fill('#search-input', 'TSHIRT-1');
    await page.press('#search-input', 'Enter');
    await page.locator('#item [data-field="delivery"]', { hasText: 'newer figure' }).waitFor();
    expect(await page.locator('#item [data-field="delivery"]').textContent()).toMatch(
      /^\d+ newer figures? waiting: shop paused$/,
    );
    await target().locator('[data-action="resume"]').click();
    await target().locator('[data-field="state"]', { hasText: 'active' }).waitFor();
    expect((await rig.hub.storage.hubState.getTarget('shop')).paused).toBe(false);
  });

  step('retries a dead letter once the shop has the item, and the page shows it gone', async () => {
    rig.shop.addItem('GHOST-9');
    await target().locator('[data-action="retry-dead"][data-item="GHOST-9"]').click();
    await target().locator('[data-action="retry-dead"]').waitFor({ state: 'detached' });
    await waitDelivered(rig.hub, 'shop', ['GHOST-9']);
    expect(rig.shop.bySku('GHOST-9')?.warehouses?.find((w) => w.name === 'Depozit central')?.stock).toBe(1);
  });

  step('keeps refreshing by itself, with no script error and no secret on the page or in any URL', async () => {
    const refreshes = async () => Number(await page.locator('body').getAttribute('data-refreshes'));
    const seen = await refreshes();
    await waitFor(async () => (await refreshes()) > seen, {
      timeoutMs: 30_000,
      what: 'a live refresh',
    });
    const html = await page.content();
    for (const secret of Object.values(SECRETS)) expect(html).not.toContain(secret);
    expect(requested.length).toBeGreaterThan(10);
    for (const url of requested) expect(decodeURIComponent(url)).not.toContain(SECRETS.adminToken);
    expect(pageErrors).toEqual([]);
  });
});
