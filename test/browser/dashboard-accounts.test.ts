import fs from 'node:fs';
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
import { SECRETS, silentLog, targetRaw } from '../helpers/test-config';

// The operator's dashboard over a hub of two accounts, in a real browser: the accounts listed, each account's
// views reached through its own admin routes (the 0.2 paths answer 404 on such a hub), the connect form's refusal.
jest.setTimeout(180_000);

const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'stockbridge-dashboard-accounts-'));

describe('the dashboard of a hub with several accounts, in a real browser', () => {
  let hub: Hub;
  let shops: FakeMerchantPro[];
  let server: Server;
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
      accountRaw(name, { targets: [targetRaw(`${name}-shop`, shops[i].url, { timeoutMs: 1000, maxAttempts: 1 })] }),
    );
    const config = parseConfig(
      rawAccountsConfig(accounts, { worker: { leaseMs: 3000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200 } }),
      {},
    );
    hub = createHub({ config, log: silentLog });
    await hub.start();
    server = hub.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await request(hub.app)
      .post('/callbacks/inventories-upload')
      .type('form')
      .send(formBody([offer('TSHIRT-1', { main: 5 })], 'client-id-SECRET-beta'));
    expect(res.status).toBe(200);
    await waitDelivered(hub, 'beta/beta-shop', ['TSHIRT-1']);
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
    await new Promise((r) => server?.close(r));
    await hub?.stop();
    for (const s of shops ?? []) await s.close();
    if (failed) process.stderr.write(`dashboard screenshots kept in ${artifacts}\n`);
    else fs.rmSync(artifacts, { recursive: true, force: true });
  });

  step('lists every account with its state and shows the first one’s shops, not the other’s', async () => {
    await page.goto(`${base}/dashboard`);
    await page.fill('#token', SECRETS.adminToken);
    await page.click('#sign-in-button');
    await page.locator('#app').waitFor({ state: 'visible' });
    const rows = page.locator('#accounts tr');
    await rows.nth(2).waitFor();
    await expect(rows.count()).resolves.toBe(3); // the header and two accounts
    await expect(rows.nth(1).textContent()).resolves.toMatch(/acme.*active.*1 shop/);
    await expect(page.locator('#account-shown').textContent()).resolves.toBe('Account: acme');
    await page.locator('#targets', { hasText: 'acme-shop' }).waitFor();
    await expect(page.locator('#targets').textContent()).resolves.not.toContain('beta-shop');
  });

  step('“Show” switches every view to that account: its shops, its item figures, its callbacks', async () => {
    await page.locator('#accounts tr', { hasText: 'beta' }).getByRole('button', { name: 'Show' }).click();
    await page.locator('#account-shown', { hasText: 'Account: beta' }).waitFor();
    await page.locator('#targets', { hasText: 'beta-shop' }).waitFor();
    await expect(page.locator('#targets').textContent()).resolves.not.toContain('acme-shop');
    await page.locator('#callbacks tr').nth(1).waitFor();
    await page.fill('#search-input', 'TSHIRT-1');
    await page.click('#search button[type="submit"]');
    await page.locator('#item', { hasText: 'beta-shop' }).waitFor();
  });

  step('the connect form shows the hub’s refusal beside it and does not keep the API key', async () => {
    await page.locator('#connect').evaluate((f) => f.closest('details')!.setAttribute('open', ''));
    await page.fill('#connect input[name="url"]', 'https://shop.example.com');
    await page.fill('#connect input[name="apiKey"]', 'api-key-SECRET-typed');
    await page.click('#connect button[type="submit"]');
    await page.locator('#connect-result.error').waitFor();
    await expect(page.locator('#connect-result').textContent()).resolves.not.toBe('');
    await expect(page.inputValue('#connect input[name="apiKey"]')).resolves.toBe('');
    for (const url of requested) expect(url).not.toContain('SECRET');
  });

  step('shows an account’s warning: a CRM address it was told about and did not follow', async () => {
    const res = await request(hub.app)
      .post('/callbacks/activity')
      .type('form')
      .send({
        clientId: 'client-id-SECRET-acme',
        activity: JSON.stringify({ active: true, freeze: false }),
        systemUrl: 'https://shop.example.com',
      });
    expect(res.status).toBe(200);
    await page.locator('#accounts tr', { hasText: 'acme' }).locator('.error', { hasText: 'is not followed' }).waitFor();
  });

  it('had no script errors on the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
