import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { createHub, type Hub } from '../../src/compose/create-hub';
import { parseConfig } from '../../src/config/load-config';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../src/demo/fakes/fake-merchantpro';
import { formBody, offer } from '../helpers/callback-bodies';
import { accountRaw, rawAccountsConfig } from '../helpers/accounts-config';
import { chromiumLaunchInfo } from '../helpers/chromium';
import { waitDelivered } from '../helpers/fanout-rig';
import { SECRETS, silentLog, targetRaw, waitFor } from '../helpers/test-config';

// The merchant's page as a merchant meets it: opened from a CRM page on another site by a form POST, in a real
// browser, over a hub with two accounts (each its own fake shop). Screenshots go to a temporary folder; with
// STOCKBRIDGE_UPDATE_SCREENSHOTS=1 they refresh the README's copies in docs/ (a test run must not dirty the tree).
jest.setTimeout(180_000);

const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'stockbridge-settings-'));
const DOCS = process.env.STOCKBRIDGE_UPDATE_SCREENSHOTS === '1' ? path.join(__dirname, '../../docs') : artifacts;
const ACME = 'client-id-SECRET-acme';

/** A stand-in for the CRM's module card: on its own origin, a form that POSTs the clientId to accountUrl. */
async function fakeCrmPage(settingsUrl: string) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>CRM</title><form method="post" action="${settingsUrl}">` +
        `<input type="hidden" name="clientId" value="${ACME}"><button id="open">Settings</button></form>`,
    );
  });
  server.listen(0, 'localhost');
  await new Promise((r) => server.once('listening', r));
  return { server, url: `http://localhost:${(server.address() as AddressInfo).port}/` };
}

describe('the settings page in a real browser', () => {
  let hub: Hub;
  let shops: FakeMerchantPro[];
  let server: Server;
  let crm: Awaited<ReturnType<typeof fakeCrmPage>>;
  let base: string;
  let browser: Browser;
  let page: Page;
  let failed = false;
  const pageErrors: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    shops = await Promise.all(
      ['acme', 'beta'].map(() =>
        startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true }),
      ),
    );
    for (const s of shops) s.addItem('TSHIRT-1');
    const accounts = ['acme', 'beta'].map((name, i) =>
      accountRaw(name, { targets: [targetRaw('shop', shops[i].url, { timeoutMs: 1000, maxAttempts: 1 })] }),
    );
    const config = parseConfig(
      rawAccountsConfig(accounts, {
        worker: { leaseMs: 3000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, drainMs: 2000 },
      }),
      {},
    );
    hub = createHub({ config, log: silentLog });
    await hub.start();
    server = hub.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    crm = await fakeCrmPage(`${base}/settings`);
    const res = await request(hub.app)
      .post('/callbacks/inventories-upload')
      .type('form')
      .send(formBody([offer('TSHIRT-1', { main: 5, north: 2 }), offer('GHOST-9', { main: 1 })], ACME));
    expect(res.status).toBe(200);
    await waitDelivered(hub, 'acme/shop', ['TSHIRT-1']);
    await waitFor(async () => (await hub.storage.deliveries.get('acme/shop', 'GHOST-9'))?.dead, {
      what: 'a dead letter',
    });
    const launch = await chromiumLaunchInfo();
    browser = await chromium.launch({ executablePath: launch.path, args: launch.args, headless: true });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
  });

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
    await new Promise((r) => crm?.server.close(r));
    await new Promise((r) => server?.close(r));
    await hub?.stop();
    for (const s of shops ?? []) await s.close();
    if (failed) process.stderr.write(`settings screenshots kept in ${artifacts}\n`);
    else fs.rmSync(artifacts, { recursive: true, force: true });
  });

  const shopRow = () => page.locator('#shops-table tr').nth(1);

  step('opened from the CRM by a form POST: signed in, the clientId in no URL, a Lax HttpOnly cookie', async () => {
    await page.goto(crm.url);
    await page.click('#open');
    await page.locator('#app').waitFor({ state: 'visible' });
    expect(page.url()).toBe(`${base}/settings`);
    await expect(page.locator('#account').textContent()).resolves.toContain('acme');
    const cookies = await page.context().cookies(base);
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'stockbridge_settings', httpOnly: true, sameSite: 'Lax', secure: false }),
    ]);
    for (const url of requested) expect(url).not.toContain(ACME);
  });

  step('shows its own shop in plain words, and none of the other account’s', async () => {
    await shopRow().locator('[data-state="active"]', { hasText: 'Running' }).waitFor();
    await expect(page.locator('#shops-table tr').count()).resolves.toBe(2); // the header and its one shop
  });

  step('a callback’s figures reach the shop: the SKU look-up shows them delivered', async () => {
    await page.fill('#sku-input', 'TSHIRT-1');
    await page.press('#sku-input', 'Enter');
    await page.locator('#sku-table', { hasText: 'Depozit central: 5' }).waitFor();
    await page.locator('#sku-table', { hasText: '✓' }).waitFor();
    await page.locator('#sku-table [data-action="test-connection"]').click();
    await page.locator('#sku-table .live', { hasText: 'Connected: the shop has Depozit central: 5' }).waitFor();
    await page.locator('#callbacks-table tr').nth(1).waitFor();
    await page.screenshot({ path: path.join(DOCS, 'settings-page.png'), fullPage: true });
  });

  step('retries a dead letter once the shop has the item', async () => {
    await shopRow().locator('[data-action="show-dead"]').click();
    const retry = page.locator('#dead [data-action="retry"][data-item="GHOST-9"]');
    await retry.waitFor();
    shops[0].addItem('GHOST-9');
    await retry.click();
    await waitDelivered(hub, 'acme/shop', ['GHOST-9']);
    await page.locator('#dead [data-item="GHOST-9"]').waitFor({ state: 'detached' });
  });

  step('pauses and resumes its shop; the page says why it is paused', async () => {
    await shopRow().locator('[data-action="pause"]').click();
    await shopRow().locator('[data-state="paused"]', { hasText: 'Paused by you' }).waitFor();
    expect((await hub.storage.hubState.getTarget('acme/shop')).paused).toBe(true);
    await shopRow().locator('[data-action="resume"]').click();
    await shopRow().locator('[data-state="active"]').waitFor();
    expect((await hub.storage.hubState.getTarget('acme/shop')).paused).toBe(false);
  });

  step('another account’s target id is refused, even with the page’s own CSRF token', async () => {
    const status = await page.evaluate(async () => {
      const s = (await (await fetch('/settings/session')).json()) as { csrf: string };
      const res = await fetch(`/settings/api/targets/${encodeURIComponent('beta/shop')}/pause`, {
        method: 'POST',
        headers: { 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' },
        body: '{}',
      });
      return res.status;
    });
    expect(status).toBe(404);
    expect((await hub.storage.hubState.getTarget('beta/shop')).paused).toBe(false);
  });

  step('in Russian when the browser asks for it, quantities and labels included', async () => {
    // Its own context (no cookie of the first); left open: closing a page under the single-process Chromium build
    // ends the whole browser.
    const ru = await browser.newPage({ locale: 'ru-RU', viewport: { width: 1200, height: 900 } });
    await ru.goto(crm.url);
    await ru.click('#open');
    await ru.locator('h2', { hasText: 'Ваши магазины' }).waitFor();
    await ru.locator('[data-state="active"]', { hasText: 'Работает' }).waitFor();
    await expect(ru.locator('html').getAttribute('lang')).resolves.toBe('ru');
    await ru.screenshot({ path: path.join(DOCS, 'settings-page-ru.png'), fullPage: true });
  });

  step('without a session: the page that says how to open it from the CRM', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1000, height: 400 } });
    const res = await fresh.goto(`${base}/settings`);
    expect(res?.status()).toBe(401);
    await fresh.locator('a[href="/connect"]').waitFor();
    await fresh.screenshot({ path: path.join(DOCS, 'settings-signed-out.png') });
  });

  step('no script error and no secret on the page or in any URL', async () => {
    const html = await page.content();
    for (const secret of [...Object.values(SECRETS), ACME, 'client-id-SECRET-beta', 'crm-key-SECRET-acme'])
      expect(html).not.toContain(secret);
    for (const url of requested) expect(decodeURIComponent(url)).not.toContain(ACME);
    expect(pageErrors).toEqual([]);
  });
});
