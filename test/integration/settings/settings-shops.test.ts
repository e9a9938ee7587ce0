import crypto from 'node:crypto';
import request from 'supertest';
import { createSecretBox } from '../../../src/accounts/secret-box';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { startAccountsRig, type AccountsRig, type Json } from '../../helpers/accounts-rig';
import { offer } from '../../helpers/callback-bodies';
import { waitFor } from '../../helpers/test-config';

const SHOP_KEY = 'shop-key-SECRET-4242';
const SHOP_SECRET = 'shop-secret-SECRET-4343';

/**
 * The merchant manages their own shops from the settings page, over sockets: a hub with one file-declared account
 * (`acme`, read-only here) and two connected at runtime (`bravo`, `carol`), each with its own fake CRM.
 */
describe('the settings page: the merchant’s own shops (add, edit, remove) and the CRM’s warehouses', () => {
  let rig: AccountsRig;
  let shop: FakeMerchantPro;
  const crms: Record<string, FakeCrm> = {};
  const clientIds: Record<string, string> = {};
  const sessions: Record<string, { cookie: string; csrf: string }> = {};

  const as = (account: string) => {
    const s = sessions[account];
    const send = (method: 'post' | 'put' | 'delete' | 'get', path: string, body?: unknown) => {
      const r = request(rig.base)[method](`/settings/api${path}`).set('Cookie', s.cookie);
      if (method !== 'get') r.set('X-CSRF-Token', s.csrf).set('Origin', rig.base);
      return body === undefined ? r : r.send(body as object);
    };
    return send;
  };
  const shopBody = (extra: Record<string, unknown> = {}) => ({
    name: 'mp',
    type: 'merchantpro',
    url: shop.url,
    apiKey: SHOP_KEY,
    apiSecret: SHOP_SECRET,
    offerKey: 'xmlId',
    identifier: 'sku',
    multiWarehouse: true,
    warehouses: { main: 'Depozit central' },
    timeoutMs: 1000,
    ...extra,
  });
  const noSecret = (res: { text: string }) => {
    for (const s of [SHOP_KEY, SHOP_SECRET, ...Object.values(clientIds)]) expect(res.text).not.toContain(s);
  };

  beforeAll(async () => {
    shop = await startFakeMerchantPro({ apiKey: SHOP_KEY, apiSecret: SHOP_SECRET, multiWarehouse: true });
    shop.addItem('TSHIRT-1');
    for (const name of ['bravo', 'carol']) crms[name] = await startFakeCrm({ apiKey: `crm-key-SECRET-${name}` });
    rig = await startAccountsRig([{ name: 'acme', targets: ['shop'] }], {
      secretBox: createSecretBox(crypto.randomBytes(32)),
      extra: { connect: { allowedHosts: Object.values(crms).map((c) => new URL(c.url).host) } },
    });
    for (const [name, crm] of Object.entries(crms)) {
      const res = await rig.call('POST', '/admin/accounts', {
        body: { url: crm.url, apiKey: `crm-key-SECRET-${name}`, name },
      });
      expect(res.status).toBe(201);
      clientIds[name] = String(crm.modules.get('stockbridge')!.clientId);
    }
    clientIds.acme = rig.accounts.acme.clientId;
    for (const name of ['acme', 'bravo', 'carol']) {
      const opened = await request(rig.base).post('/settings').type('form').send({ clientId: clientIds[name] });
      const cookie = String((opened.headers['set-cookie'] as unknown as string[])[0]).split(';')[0];
      const session = await request(rig.base).get('/settings/session').set('Cookie', cookie);
      sessions[name] = { cookie, csrf: (session.body as { csrf: string }).csrf };
    }
  });
  afterAll(async () => {
    await rig.close();
    await shop.close();
    for (const c of Object.values(crms)) await c.close();
  });

  it('adds a MerchantPro shop, applied without a restart: a callback’s figures reach it', async () => {
    const added = await as('bravo')('post', '/targets', shopBody());
    expect(added.status).toBe(201);
    expect(added.body.shop).toMatchObject({ name: 'mp', type: 'merchantpro', credentialsSet: ['apiKey', 'apiSecret'] });
    noSecret(added);
    await waitFor(() => rig.hub.accounts.get('bravo')?.targets.length === 1, { what: 'the shop applied' });
    const cb = await rig.call('POST', '/callbacks/inventories-upload', {
      token: null,
      form: { clientId: clientIds.bravo, offers: [offer('TSHIRT-1', { main: 7, north: 3 })] },
    });
    expect(cb.status).toBe(200);
    await waitFor(() => shop.bySku('TSHIRT-1')?.warehouses?.find((w) => w.name === 'Depozit central')?.stock === 7, {
      what: 'the figure delivered to the added shop',
    });
    const states = await as('bravo')('get', '/targets');
    expect(states.body.targets.map((t: Json) => t.name)).toEqual(['mp']);
  });

  it('the editable view never holds a credential; an edit leaving them blank keeps the stored ones', async () => {
    const view = await as('bravo')('get', '/shop-settings');
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      editable: true,
      shops: [{ name: 'mp', credentialsSet: ['apiKey', 'apiSecret'] }],
    });
    expect(view.body.shops[0].fields).not.toHaveProperty('apiKey');
    expect(view.body.types.map((t: Json) => t.type)).toContain('merchantpro');
    noSecret(view);
    const edit = await as('bravo')('put', '/targets/mp', {
      ...shopBody({ apiKey: '', apiSecret: '' }),
      warehouses: { main: 'Depozit central', north: 'Depozit nord' },
    });
    expect(edit.status).toBe(200);
    noSecret(edit);
    await waitFor(() => Object.keys(rig.hub.accounts.get('bravo')!.targets[0].warehouses).length === 2, {
      what: 'the edit applied',
    });
    await rig.call('POST', '/callbacks/inventories-upload', {
      token: null,
      form: { clientId: clientIds.bravo, offers: [offer('TSHIRT-1', { main: 8, north: 4 })] },
    });
    // Delivered with the kept credentials (a wrong key would be refused by the shop).
    await waitFor(() => shop.bySku('TSHIRT-1')?.warehouses?.find((w) => w.name === 'Depozit nord')?.stock === 4, {
      what: 'the figure delivered with the stored credentials',
    });
  });

  it('a validation error names the field, with the config file’s message; nothing changes', async () => {
    const bad = await as('bravo')('post', '/targets', shopBody({ name: 'second', url: 'not a url', apiSecret: '' }));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details)).toEqual(expect.arrayContaining(['url', 'apiSecret']));
    expect(bad.body.error.details.apiSecret).toMatch(/^is missing/);
    expect(bad.body.error.message).toMatch(/apiSecret: is missing/);
    noSecret(bad);
    const dup = await as('bravo')('post', '/targets', shopBody());
    expect(dup.status).toBe(409);
    expect(dup.body.error.details).toEqual({ name: 'exists already' });
    expect((await as('bravo')('get', '/shop-settings')).body.shops.map((s: Json) => s.name)).toEqual(['mp']);
  });

  it('another account’s session cannot see or touch this account’s shops', async () => {
    expect((await as('carol')('get', '/shop-settings')).body.shops).toEqual([]);
    expect((await as('carol')('put', '/targets/mp', shopBody())).status).toBe(404);
    expect((await as('carol')('delete', '/targets/mp')).status).toBe(404);
    expect((await as('carol')('delete', `/targets/${encodeURIComponent('bravo/mp')}`)).status).toBe(404);
    expect(rig.hub.accounts.get('bravo')!.targets.map((t) => t.name)).toEqual(['bravo/mp']);
    // Without the page's CSRF token: refused before anything.
    const noToken = await request(rig.base)
      .delete('/settings/api/targets/mp')
      .set('Cookie', sessions.bravo.cookie)
      .set('Origin', rig.base);
    expect(noToken.status).toBe(403);
  });

  it('a file-declared account’s shops are read-only here: 409 saying they are set in the config file', async () => {
    const res = await as('acme')('post', '/targets', shopBody());
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/set in the hub’s config file/);
    expect((await as('acme')('get', '/shop-settings')).body).toMatchObject({ editable: false, shops: [] });
    expect((await as('acme')('delete', '/targets/shop')).status).toBe(409);
    noSecret(res);
  });

  it('lists the CRM’s warehouses; a key without reference_read gives none and a message', async () => {
    const ok = await as('bravo')('get', '/crm-warehouses');
    expect(ok.body).toEqual({
      readable: true,
      warehouses: [
        { code: 'main', name: 'Main warehouse', active: true },
        { code: 'north', name: 'North warehouse', active: true },
      ],
    });
    crms.bravo.storesForbidden = true;
    const denied = await as('bravo')('get', '/crm-warehouses');
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({
      readable: false,
      warehouses: [],
      message: expect.stringMatching(/reference_read/),
    });
    crms.bravo.storesForbidden = false;
  });

  it('removes the shop, applied without a restart', async () => {
    const res = await as('bravo')('delete', '/targets/mp');
    expect(res.status).toBe(204);
    await waitFor(() => rig.hub.accounts.get('bravo')?.targets.length === 0, { what: 'the shop removed' });
    expect((await as('bravo')('get', '/shop-settings')).body.shops).toEqual([]);
    expect((await as('bravo')('delete', '/targets/mp')).status).toBe(404);
  });
});
