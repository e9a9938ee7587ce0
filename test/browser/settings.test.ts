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
import { startFakeCrm, type FakeCrm } from '../../src/demo/fakes/fake-crm';
import { createSecretBox } from '../../src/accounts/secret-box';
import crypto from 'node:crypto';
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
const CAROL_SHOP = { apiKey: 'carol-shop-key-SECRET-1', apiSecret: 'carol-shop-secret-SECRET-2' };

/** A stand-in for the CRM's module card: on its own origin, a form that POSTs the clientId to accountUrl. */
async function fakeCrmPage(settingsUrl: string, clientId = ACME) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>CRM</title><form method="post" action="${settingsUrl}">` +
        `<input type="hidden" name="clientId" value="${clientId}"><button id="open">Settings</button></form>`,
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
  // A merchant connected at runtime (its shops are its own to change), with its own CRM and shop.
  let carolCrm: FakeCrm;
  let carolShop: FakeMerchantPro;
  let carolPage: Awaited<ReturnType<typeof fakeCrmPage>>;
  let carolClientId: string;
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
    carolCrm = await startFakeCrm({ apiKey: 'crm-key-SECRET-carol' });
    carolShop = await startFakeMerchantPro({ ...CAROL_SHOP, multiWarehouse: true });
    carolShop.addItem('TSHIRT-1');
    const accounts = ['acme', 'beta'].map((name, i) =>
      accountRaw(name, { targets: [targetRaw('shop', shops[i].url, { timeoutMs: 1000, maxAttempts: 1 })] }),
    );
    const config = parseConfig(
      rawAccountsConfig(accounts, {
        // A lease longer than a shop's default timeout, so a shop added from the page needs no timeoutMs.
        worker: { leaseMs: 15000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, drainMs: 2000 },
        connect: { allowedHosts: [new URL(carolCrm.url).host] },
      }),
      {},
    );
    hub = createHub({ config, log: silentLog, secretBox: createSecretBox(crypto.randomBytes(32)) });
    await hub.start();
    server = hub.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    crm = await fakeCrmPage(`${base}/settings`);
    const connected = await request(hub.app)
      .post('/admin/accounts')
      .set('Authorization', `Bearer ${SECRETS.adminToken}`)
      .send({ url: carolCrm.url, apiKey: 'crm-key-SECRET-carol', name: 'carol' });
    expect(connected.status).toBe(201);
    carolClientId = String(carolCrm.modules.get('stockbridge')!.clientId);
    carolPage = await fakeCrmPage(`${base}/settings`, carolClientId);
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
    await new Promise((r) => carolPage?.server.close(r));
    await new Promise((r) => server?.close(r));
    await hub?.stop();
    for (const s of shops ?? []) await s.close();
    await carolShop?.close();
    await carolCrm?.close();
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
    // A file-declared account: its shops are the config file's, said in Russian where the shop form would be.
    await ru.locator('#shop-settings', { hasText: 'заданы в файле конфигурации' }).waitFor();
    await expect(ru.locator('[data-action="add-shop"]').count()).resolves.toBe(0);
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

  step('a connected merchant adds a shop against the fake MerchantPro and maps a warehouse', async () => {
    // In the first page's context, after the acme steps: the CRM page signs it in as carol instead.
    const p = page;
    await p.goto(carolPage.url);
    await p.click('#open');
    await p.locator('[data-action="add-shop"]').click();
    const form = p.locator('#shop-form');
    await form.waitFor();
    // The CRM's own warehouses, read from the CRM, each with a field for the shop's warehouse.
    await form.locator('#warehouse-map', { hasText: 'Main warehouse (main)' }).waitFor();
    await form.locator('input[name="name"]').fill('mp');
    await form.locator('input[name="url"]').fill(carolShop.url);
    await form.locator('input[name="apiKey"]').fill(CAROL_SHOP.apiKey);
    await form.locator('select[name="offerKey"]').selectOption('xmlId');
    await form.locator('input[name="multiWarehouse"]').check();
    await form.locator('.wh-shop[data-for="main"]').fill('Depozit central');
    // The secret left out: the config file's message, next to its field; nothing saved.
    await form.locator('[data-action="save-shop"]').click();
    await form.locator('[data-error-for="apiSecret"]', { hasText: 'is missing' }).waitFor();
    expect(hub.accounts.get('carol')!.targets).toEqual([]);
    await form.locator('input[name="apiSecret"]').fill(CAROL_SHOP.apiSecret);
    await p.screenshot({ path: path.join(DOCS, 'settings-shop-form.png'), fullPage: true });
    await form.locator('[data-action="save-shop"]').click();
    await p.locator('#message', { hasText: 'Shop mp saved and applied.' }).waitFor();
    await p.locator('#shop-settings-table', { hasText: 'main → Depozit central' }).waitFor();
    await p.locator('#shops-table [data-state="active"]').waitFor();
    // A callback's figures reach the added shop: the mapped warehouse only.
    const res = await request(hub.app)
      .post('/callbacks/inventories-upload')
      .type('form')
      .send(formBody([offer('TSHIRT-1', { main: 6, north: 9 })], carolClientId));
    expect(res.status).toBe(200);
    await waitDelivered(hub, 'carol/mp', ['TSHIRT-1']);
    expect(carolShop.bySku('TSHIRT-1')!.warehouses).toEqual([
      expect.objectContaining({ name: 'Depozit central', stock: 6 }),
      expect.objectContaining({ name: 'Depozit nord', stock: 0 }),
    ]);
    await p.fill('#sku-input', 'TSHIRT-1');
    await p.press('#sku-input', 'Enter');
    await p.locator('#sku-table', { hasText: 'Depozit central: 6' }).waitFor();
    // Editing shows the credentials as stored, never their values.
    await p.locator('#shop-settings-table [data-action="edit-shop"]').click();
    await p.locator('#shop-form input[name="apiKey"][placeholder="stored: leave blank to keep it"]').waitFor();
    await expect(p.locator('#shop-form input[name="apiKey"]').inputValue()).resolves.toBe('');
    const html = await p.content();
    for (const secret of [...Object.values(CAROL_SHOP), carolClientId]) expect(html).not.toContain(secret);
  });

  step('a key without reference_read: the page says so and lets the merchant type a CRM warehouse code', async () => {
    carolCrm.storesForbidden = true;
    const p = page;
    await p.goto(carolPage.url);
    await p.click('#open');
    await p.locator('#shop-settings-table [data-action="edit-shop"]').click();
    await p.locator('#crm-warehouses-unreadable', { hasText: 'reference_read' }).waitFor();
    await p.locator('[data-action="add-warehouse-code"]').click();
    const typed = p.locator('#warehouse-map .wh-row').last();
    await typed.locator('input.wh-code').fill('north');
    await typed.locator('input.wh-shop').fill('Depozit nord');
    await p.locator('[data-action="save-shop"]').click();
    await p.locator('#message', { hasText: 'Shop mp saved and applied.' }).waitFor();
    await waitFor(() => Object.keys(hub.accounts.get('carol')!.targets[0]?.warehouses ?? {}).length === 2, {
      what: 'the typed warehouse applied',
    });
    expect(hub.accounts.get('carol')!.targets[0].warehouses).toEqual({
      main: 'Depozit central',
      north: 'Depozit nord',
    });
    carolCrm.storesForbidden = false;
  });

  step('no script error and no secret on the page or in any URL', async () => {
    const html = await page.content();
    for (const secret of [...Object.values(SECRETS), ACME, 'client-id-SECRET-beta', 'crm-key-SECRET-acme'])
      expect(html).not.toContain(secret);
    for (const url of requested) expect(decodeURIComponent(url)).not.toContain(ACME);
    expect(pageErrors).toEqual([]);
  });
});
