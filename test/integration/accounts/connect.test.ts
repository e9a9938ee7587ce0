import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startAccountsRig, type AccountsRig, type Json } from '../../helpers/accounts-rig';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { createSecretBox } from '../../../src/accounts/secret-box';
import { StoredAccountsError } from '../../../src/compose/hub-connections';
import { REQUIRED_METHODS } from '../../../src/accounts/crm-access';
import { offer } from '../../helpers/callback-bodies';
import { SECRETS, targetRaw, tmpDir, waitFor } from '../../helpers/test-config';

const key = () => createSecretBox(crypto.randomBytes(32));

/**
 * Connecting a merchant at runtime, over sockets: the hub (one file-declared account `acme`) and a fake CRM for the
 * merchant to connect, listed in connect.allowedHosts (the only way a test may use http:// and a port).
 */
describe('accounts: connecting one at runtime (POST /admin/accounts)', () => {
  let rig: AccountsRig;
  let crm: FakeCrm;
  let shop: FakeMerchantPro;
  const box = key();
  const dbPath = path.join(tmpDir(), 'hub.db');
  const crmKey = 'merchant-key-SECRET-7777';
  let crmHost: string;
  const connect = (body: Json) => rig.call('POST', '/admin/accounts', { body });

  beforeAll(async () => {
    crm = await startFakeCrm({ apiKey: crmKey });
    shop = await startFakeMerchantPro({
      apiKey: 'shop-key-SECRET-8888',
      apiSecret: 'shop-secret-SECRET-9999',
      multiWarehouse: true,
    });
    crmHost = new URL(crm.url).host;
    rig = await startAccountsRig([{ name: 'acme', targets: ['shop'] }], {
      secretBox: box,
      storagePath: dbPath,
      extra: { connect: { allowedHosts: [crmHost] } },
    });
  });
  afterAll(async () => {
    await rig.close();
    await crm.close();
    await shop.close();
  });

  it('refuses a URL that breaks a rule with 400 naming the rule, before calling anything', async () => {
    const cases: Array<[string, RegExp]> = [
      ['http://acme.retailcrm.ru', /must use https/],
      ['https://acme.retailcrm.ru:8443', /must not have a port/],
      ['https://acme.retailcrm.ru/admin', /without a path/],
      ['https://acme.retailcrm.ru/?x=1', /must not have a query/],
      ['https://acme.retailcrm.ru/#top', /must not have a fragment/],
      ['https://user:pw@acme.retailcrm.ru', /user name or password/],
      ['https://shop.example.com', /not under a RetailCRM\/Simla domain.*connect\.allowedHosts/],
      ['https://retailcrm.ru', /not under a RetailCRM\/Simla domain/],
      ['http://127.0.0.1:1', /must use https/],
      ['not a url', /must be a URL/],
    ];
    const before = crm.requests.length;
    for (const [url, rule] of cases) {
      const res = await connect({ url, apiKey: crmKey });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body.error.message).toMatch(rule);
    }
    expect(crm.requests.length).toBe(before);
  });

  it('refuses a key the CRM refuses, and one that lacks a scope (naming each missing one), keeping nothing', async () => {
    const bad = await connect({ url: crm.url, apiKey: 'not-the-key' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('the CRM refused this API key');
    crm.access.scopes = ['integration_read', 'integration_write', 'store_read', 'order_read'];
    const lacking = await connect({ url: crm.url, apiKey: crmKey });
    expect(lacking.status).toBe(400);
    expect(lacking.body.error.message).toMatch(/lacks what the module uses: scopes store_write, order_write/);
    // An old-style key answers no scopes: its method list is checked instead.
    crm.access.scopes = [];
    crm.access.methods = REQUIRED_METHODS.filter((m) => !m.endsWith('/edit'));
    const old = await connect({ url: crm.url, apiKey: crmKey });
    expect(old.body.error.message).toMatch(
      /methods \/api\/integration-modules\/\{code\}\/edit, \/api\/orders\/\{externalId\}\/edit/,
    );
    crm.access.methods = [...REQUIRED_METHODS];
    crm.fail(1, { type: 'status', status: 402, errorMsg: 'Insufficient funds' }, /integration-modules/);
    const unpaid = await connect({ url: crm.url, apiKey: crmKey });
    expect(unpaid.status).toBe(402);
    expect(unpaid.body.error.message).toBe('the CRM refused to activate the module: payment required');
    expect(await rig.hub.storage.accounts.list()).toEqual([]);
    expect(crm.modules.size).toBe(0);
    crm.access.scopes = [
      'integration_read',
      'integration_write',
      'store_read',
      'store_write',
      'order_read',
      'order_write',
    ];
  });

  let clientId: string;
  it('connects: registers the module with its own clientId, stores it sealed, answers 201 without a secret', async () => {
    const res = await connect({ url: crm.url, apiKey: crmKey, name: 'bravo' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'bravo',
      origin: 'connected',
      crm: { url: crm.url, site: 'main-shop' },
      active: true,
      targets: [],
    });
    const module = crm.modules.get('stockbridge')!;
    clientId = String(module.clientId);
    expect(clientId).toMatch(/^[0-9a-f]{64}$/);
    expect(module).toMatchObject({
      baseUrl: 'https://hub.example.com',
      accountUrl: 'https://hub.example.com/settings',
      logo: 'https://hub.example.com/logo.svg',
      active: true,
    });
    expect(res.text).not.toContain(crmKey);
    expect(res.text).not.toContain(clientId);
    const list = (await rig.call('GET', '/admin/accounts')).body.accounts;
    expect(list.map((a: { name: string; origin: string }) => [a.name, a.origin])).toEqual([
      ['acme', 'file'],
      ['bravo', 'connected'],
    ]);
    // At rest: neither the key nor the clientId is in the database file.
    const raw = fs.readFileSync(dbPath).toString('latin1') + fs.readFileSync(`${dbPath}-wal`).toString('latin1');
    expect(raw).not.toContain(crmKey);
    expect(raw).not.toContain(clientId);
  });

  it("serves its callbacks at once, and its targets once given (the config file's shape), without a restart", async () => {
    const url = `${rig.base}/callbacks/inventories-upload`;
    expect((await crm.callPoint(url, clientId, { offers: [offer('B-1', { main: 2 })] })).status).toBe(200);
    const invalid = await rig.call('PUT', '/admin/accounts/bravo/targets', {
      body: [{ name: 'shop', type: 'merchantpro', url: 'ftp://x', apiKey: 'k' }],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/targets\[0\]\.url/);
    expect(invalid.body.error.message).toMatch(/targets\[0\]\.apiSecret: is missing/);
    const shopTarget = targetRaw('shop', shop.url, {
      apiKey: 'shop-key-SECRET-8888',
      apiSecret: 'shop-secret-SECRET-9999',
      timeoutMs: 1000,
    });
    const put = await rig.call('PUT', '/admin/accounts/bravo/targets', { body: [shopTarget] });
    expect(put.status).toBe(200);
    expect(put.body.targets).toEqual([{ name: 'shop', type: 'merchantpro' }]);
    expect(put.text).not.toContain('shop-key-SECRET');
    shop.addItem('B-2');
    expect((await crm.callPoint(url, clientId, { offers: [offer('B-2', { main: 6 })] })).status).toBe(200);
    await waitFor(() => shop.bySku('B-2')!.warehouses!.find((w) => w.name === 'Depozit central')?.stock === 6, {
      what: "B-2 at bravo's shop",
    });
    expect((await rig.call('GET', '/admin/accounts/bravo/targets')).body.targets).toEqual([
      expect.objectContaining({ name: 'shop', state: 'active' }),
    ]);
    // acme's shop got nothing of bravo's.
    expect(rig.accounts.acme.shops.shop.writes).toEqual([]);
    const raw = fs.readFileSync(dbPath).toString('latin1') + fs.readFileSync(`${dbPath}-wal`).toString('latin1');
    expect(raw).not.toContain('shop-key-SECRET');
    expect(raw).not.toContain('shop-secret-SECRET');
  });

  it('refuses changes to a file-declared account (the file is its source of truth)', async () => {
    const res = await rig.call('PUT', '/admin/accounts/acme/targets', { body: [] });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/declared in the config file/);
    const again = await connect({ url: rig.accounts.acme.crm.url, apiKey: rig.accounts.acme.apiKey });
    expect(again.status).toBe(400); // its host is not allowed for connecting
  });

  it('connecting the same CRM again answers 200 with the same account, its key replaced once the new one works', async () => {
    const newKey = 'merchant-key-SECRET-rotated';
    crm.apiKeys.add(newKey);
    const res = await connect({ url: crm.url.toUpperCase().replace('HTTP://', 'http://'), apiKey: newKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'bravo', origin: 'connected' });
    expect(crm.modules.get('stockbridge')!.clientId).toBe(clientId);
    crm.apiKeys.delete(crmKey);
    // Shipments now go through with the new key.
    const { shipmentsToken } = (await rig.call('POST', '/admin/accounts/bravo/shipments-token')).body;
    expect(shipmentsToken).toMatch(/^[0-9a-f]{64}$/);
    crm.addOrder('B-ORDER');
    const sent = await rig.call('POST', '/shipments', {
      token: shipmentsToken,
      body: { orderExternalId: 'B-ORDER', shipped: true, shipmentStore: 'main' },
    });
    expect(sent.status).toBe(202);
    await waitFor(() => crm.orderEdits.length === 1, { what: 'the order edit' });
    expect(crm.requests.at(-1)!.headers['x-api-key']).toBe(newKey);
  });

  it('deactivating holds its stock and switches its module off in its CRM; the hub restarts with it, sealed', async () => {
    const res = await rig.call('POST', '/admin/accounts/bravo/deactivate');
    expect(res.body).toMatchObject({ view: { active: false }, crm: 'switched off' });
    expect(crm.modules.get('stockbridge')!.active).toBe(false);
    const url = `${rig.base}/callbacks/inventories-upload`;
    expect((await crm.callPoint(url, clientId, { offers: [offer('B-2', { main: 1 })] })).status).toBe(200);
    await rig.hub.projector.idle();
    const view = (await rig.call('GET', '/admin/accounts/bravo')).body;
    expect(view).toMatchObject({
      active: false,
      deactivated: true,
      targets: [{ name: 'shop', state: 'held', backlog: 1 }],
    });
  });
});

describe('accounts: connected ones across restarts and keys', () => {
  let crm: FakeCrm;
  const dbPath = () => path.join(tmpDir(), 'hub.db');
  beforeAll(async () => {
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
  });
  afterAll(() => crm.close());

  const start = (storagePath: string, secretBox: ReturnType<typeof key> | null) =>
    startAccountsRig([{ name: 'acme', targets: ['shop'] }], {
      secretBox,
      storagePath,
      extra: { connect: { allowedHosts: [new URL(crm.url).host] } },
    });

  it('loads them again with the same key; refuses to start without it or with another, saying what to do', async () => {
    const file = dbPath();
    const box = key();
    const first = await start(file, box);
    try {
      expect(
        (await first.call('POST', '/admin/accounts', { body: { url: crm.url, apiKey: SECRETS.crmApiKey } })).status,
      ).toBe(201);
    } finally {
      await first.close();
    }
    const again = await start(file, box);
    try {
      const names = (await again.call('GET', '/admin/accounts')).body.accounts.map((a: { name: string }) => a.name);
      expect(names).toEqual(['acme', '127-0-0-1-' + new URL(crm.url).port]);
    } finally {
      await again.close();
    }
    await expect(start(file, null)).rejects.toThrow(StoredAccountsError);
    await expect(start(file, null)).rejects.toThrow(
      /1 connected account\(s\) are stored encrypted \(key id [0-9a-f]{16}\) and STOCKBRIDGE_SECRET_KEY is not set/,
    );
    await expect(start(file, key())).rejects.toThrow(
      /were sealed with another key \(id [0-9a-f]{16}\) than STOCKBRIDGE_SECRET_KEY \(id [0-9a-f]{16}\)/,
    );
  });

  it('refuses to connect without a key (a file-only hub needs none)', async () => {
    const rig = await start(dbPath(), null);
    try {
      const res = await rig.call('POST', '/admin/accounts', { body: { url: crm.url, apiKey: SECRETS.crmApiKey } });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/STOCKBRIDGE_SECRET_KEY is not set/);
    } finally {
      await rig.close();
    }
  });
});
