import crypto from 'node:crypto';
import path from 'node:path';
import { MODULE_FILE, startAccountsRig, type AccountsRig, type Json } from '../../helpers/accounts-rig';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeSyncInventory, type FakeSyncInventory } from '../../../src/demo/fakes/fake-syncinventory';
import { createSecretBox } from '../../../src/accounts/secret-box';
import { createHttpClient, type HttpClient } from '../../../src/integrations/http-client/http-client';
import { createHub } from '../../../src/compose/create-hub';
import { capturingLog, tmpDir, waitFor } from '../../helpers/test-config';

/**
 * The CRM says (in its activity callback's `systemUrl`) that an account lives at another address, over sockets:
 * every CRM is a fake on 127.0.0.1 listed in connect.allowedHosts. A technical `*.retailcrm.io` address is played
 * by a host name the hub's HTTP client sends to 127.0.0.1 (it stands in for DNS; the request is a real one).
 */
describe('accounts: following a CRM to its new address (activity systemUrl)', () => {
  const real = createHttpClient();
  // While `gate.held` names a CRM host, the hub's requests to it wait until `gate.open()` (a hung CRM, without timing).
  const gate: { held: string; open: () => void; wait: Promise<void> } = {
    held: '',
    open: () => undefined,
    wait: Promise.resolve(),
  };
  const hold = (host: string) => {
    gate.held = host;
    gate.wait = new Promise<void>((r) => (gate.open = r));
  };
  const http: HttpClient = {
    request: async (req) => {
      if (gate.held && req.url.includes(gate.held)) await gate.wait;
      return real.request({
        ...req,
        url: req.url.replace(/^http:\/\/[a-z0-9-]+\.retailcrm\.io:/, 'http://127.0.0.1:'),
      });
    },
    holdUntil: (url, ms) => real.holdUntil(url, ms),
    close: () => undefined,
  };
  const box = createSecretBox(crypto.randomBytes(32));
  const logs = capturingLog('info');
  const bravoKey = 'bravo-key-SECRET-4242';
  const acmeKey = 'crm-key-SECRET-acme';
  let rig: AccountsRig;
  let si: FakeSyncInventory;
  // bravo (connected) moves b1 → b2, then (through a technical address played by `tech`) to b3; acme (file) → a2.
  let b1: FakeCrm, b2: FakeCrm, b3: FakeCrm, tech: FakeCrm, a2: FakeCrm;
  let bravoClientId: string;
  const techUrl = () => `http://bravo-tech.retailcrm.io:${new URL(tech.url).port}`;
  const hostOf = (c: FakeCrm) => new URL(c.url).host;
  const erp = () => ({
    name: 'erp',
    type: 'syncinventory',
    url: si.url,
    apiKey: 'si-key',
    warehouses: { '1': 'main' },
  });

  /** An activity callback; once answered, waits until the hub has done with its systemUrl (no sleeping). */
  const activity = async (clientId: string, systemUrl: string, active = true) => {
    const res = await rig.call('POST', '/callbacks/activity', {
      token: null,
      form: { clientId, activity: { active, freeze: false }, systemUrl },
    });
    await rig.hub.connections.followed();
    return res;
  };
  const view = async (name: string): Promise<Json> => (await rig.call('GET', `/admin/accounts/${name}`)).body;
  const edits = (c: FakeCrm) => c.requests.filter((r) => r.path.endsWith('/integration-modules/stockbridge/edit'));

  beforeAll(async () => {
    si = await startFakeSyncInventory({ apiKey: 'si-key' });
    si.add('S-1', { '1': 7 });
    [b1, b2, b3, tech] = await Promise.all([1, 2, 3, 4].map(() => startFakeCrm({ apiKey: bravoKey })));
    a2 = await startFakeCrm({ apiKey: acmeKey });
    const dir = tmpDir();
    rig = await startAccountsRig([{ name: 'acme', targets: ['shop'], sources: () => [erp()] }], {
      secretBox: box,
      storagePath: path.join(dir, 'hub.db'),
      log: logs.log,
      http,
      extra: {
        connect: { allowedHosts: [b1, b2, b3, a2].map(hostOf).concat(new URL(techUrl()).host) },
        sync: { reportDir: path.join(dir, 'reports') },
      },
    });
    const res = await rig.call('POST', '/admin/accounts', { body: { url: b1.url, apiKey: bravoKey, name: 'bravo' } });
    expect(res.status).toBe(201);
    bravoClientId = String(b1.modules.get('stockbridge')!.clientId);
    expect((await rig.call('PUT', '/admin/accounts/bravo/sources', { body: [erp()] })).status).toBe(200);
  });
  // A test that failed while holding a CRM must not hold the next tests or the hub's stop.
  afterEach(() => {
    gate.open();
    gate.held = '';
  });
  afterAll(async () => {
    await rig.close();
    await Promise.all([b1, b2, b3, tech, a2].map((c) => c.close()));
    await si.close();
    real.close();
  });

  it('a connected account moved: the module registered at the new address, which then gets its stock uploads', async () => {
    const answer = await activity(bravoClientId, b2.url);
    expect(answer).toMatchObject({ status: 200, body: { success: true } });
    expect((await view('bravo')).crm.url).toBe(b2.url);
    expect(b2.modules.get('stockbridge')).toMatchObject({
      clientId: bravoClientId,
      baseUrl: 'https://hub.example.com',
      accountUrl: 'https://hub.example.com/settings',
      active: true,
    });
    expect((await rig.hub.storage.accounts.get('bravo'))!.url).toBe(b2.url);
    expect((await view('bravo')).warnings).toEqual([]);
    const before = b1.uploads.length;
    expect((await rig.call('POST', '/admin/accounts/bravo/sources/erp/sync')).status).toBe(200);
    await waitFor(() => b2.uploads.length > 0, { what: 'the upload at the new address' });
    expect(JSON.stringify(b2.uploads)).toContain('S-1');
    expect(b1.uploads.length).toBe(before);
    // Its callbacks still resolve (same clientId) after the reload.
    expect((await activity(bravoClientId, b2.url)).status).toBe(200);
  });

  it('a technical *.retailcrm.io address is resolved with GET /api/system-info to the public one', async () => {
    tech.systemInfo = { publicUrl: b3.url, technicalUrl: techUrl() };
    expect((await activity(bravoClientId, techUrl())).status).toBe(200);
    expect((await view('bravo')).crm.url).toBe(b3.url);
    expect(tech.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/system-info']);
    expect(b3.modules.get('stockbridge')).toMatchObject({ clientId: bravoClientId });
    expect((await rig.hub.storage.accounts.get('bravo'))!.url).toBe(b3.url);
    // Its own technical address (system-info names the address it uses): nothing moves, nothing registered.
    tech.systemInfo = { publicUrl: b3.url, technicalUrl: techUrl() };
    const registered = edits(b3).length;
    expect((await activity(bravoClientId, techUrl())).status).toBe(200);
    expect(tech.requests.length).toBe(2);
    expect(edits(b3).length).toBe(registered);
    expect((await view('bravo')).crm.url).toBe(b3.url);
    expect((await activity(bravoClientId, b2.url)).status).toBe(200);
    expect((await view('bravo')).crm.url).toBe(b2.url);
  });

  it('an address the URL rules refuse is kept as seen, not switched to, with a warning', async () => {
    const registered = edits(b2).length;
    for (const [url, rule] of [
      ['https://crm.example.com', /is not under a RetailCRM\/Simla domain/],
      ['http://127.0.0.1:1', /must use https/],
    ] as const) {
      expect((await activity(bravoClientId, url)).status).toBe(200);
      const v = await view('bravo');
      expect(v.warnings).toEqual([expect.stringMatching(rule)]);
      expect(v).toMatchObject({ systemUrl: url, crm: { url: b2.url } });
      expect(v.warnings[0]).toMatch(new RegExp(`^systemUrl ${url.replace(/[.:/]/g, '\\$&')} is not followed`));
      expect(logs.text()).toContain(`systemUrl ${url} is not followed`);
    }
    expect((await rig.hub.storage.accounts.get('bravo'))!.url).toBe(b2.url);
    expect(edits(b2).length).toBe(registered);
  });

  it('a failure (the new CRM refuses the module) is logged, nothing switched, and retried at the next activity', async () => {
    b3.fail(1, { type: 'status', status: 402, errorMsg: 'Insufficient funds' }, /integration-modules/);
    expect((await activity(bravoClientId, b3.url)).status).toBe(200);
    const v = await view('bravo');
    expect(v.warnings).toEqual([
      expect.stringMatching(/^could not follow systemUrl .*tried again at the next activity$/),
    ]);
    expect(v.crm.url).toBe(b2.url);
    expect(logs.text()).toContain('the CRM address is not switched yet');
    expect((await activity(bravoClientId, b3.url)).status).toBe(200);
    expect((await view('bravo')).crm.url).toBe(b3.url);
    expect((await view('bravo')).warnings).toEqual([]);
  });

  it("takes no other account's address, and follows the latest callback that came while one was followed", async () => {
    // acme (file-declared) told it is at bravo's address: not followed.
    expect((await activity(rig.accounts.acme.clientId, b3.url)).status).toBe(200);
    expect(await view('acme')).toMatchObject({
      crm: { url: rig.accounts.acme.crm.url },
      warnings: [`systemUrl ${b3.url} is not followed: account "bravo" is at ${b3.url}`],
    });
    expect(logs.text()).toContain(`is not followed: account \\"bravo\\" is at ${b3.url}`);
    // b1 is held: the second callback comes while the first is being followed, and is followed after it.
    hold(hostOf(b1));
    const send = (systemUrl: string) =>
      rig.call('POST', '/callbacks/activity', {
        token: null,
        form: { clientId: bravoClientId, activity: { active: true, freeze: false }, systemUrl },
      });
    expect((await send(b1.url)).status).toBe(200);
    expect((await send(b2.url)).status).toBe(200);
    expect((await view('bravo')).crm.url).toBe(b3.url);
    gate.open();
    gate.held = '';
    await rig.hub.connections.followed();
    expect(edits(b1).length).toBeGreaterThan(0);
    expect((await view('bravo')).crm.url).toBe(b2.url);
    expect((await view('bravo')).warnings).toEqual([]);
  });

  it('answers the activity callback at once, while the new CRM has not answered the registration yet', async () => {
    hold(hostOf(b3));
    const answer = await rig.call('POST', '/callbacks/activity', {
      token: null,
      form: { clientId: bravoClientId, activity: { active: true, freeze: false }, systemUrl: b3.url },
    });
    expect(answer).toMatchObject({ status: 200, body: { success: true } });
    // Answered while the registration is still held: the account has not moved yet.
    expect(await view('bravo')).toMatchObject({ systemUrl: b3.url, crm: { url: b2.url } });
    gate.open();
    gate.held = '';
    await rig.hub.connections.followed();
    expect((await view('bravo')).crm.url).toBe(b3.url);
  });

  it('a file-declared account: the new address is used over the file, with a warning to update the file', async () => {
    const fileUrl = rig.accounts.acme.crm.url;
    const clientId = rig.accounts.acme.clientId;
    expect((await activity(clientId, a2.url)).status).toBe(200);
    const v = await view('acme');
    expect(v.crm.url).toBe(a2.url);
    expect(v.warnings).toEqual([
      `the CRM moved this account to ${a2.url} (its activity callback said so); the config file still says ` +
        `${fileUrl}: the hub uses ${a2.url}. Update the account's crm.url in the config file.`,
    ]);
    expect(a2.modules.get('stockbridge')).toMatchObject({ clientId, baseUrl: 'https://hub.example.com' });
    expect(logs.text()).toMatch(/update the account's crm\.url in the config file/);
    expect((await rig.call('POST', '/admin/accounts/acme/sources/erp/sync')).status).toBe(200);
    await waitFor(() => a2.uploads.length > 0, { what: "acme's upload at its new address" });
    expect(rig.accounts.acme.crm.uploads).toEqual([]);
    // Started again with the same file and database: the stored address still wins, and says so at start.
    const config = rig.hub.config;
    await rig.close();
    const again = capturingLog('info');
    const hub = createHub({ config, log: again.log, secretBox: box, moduleFile: MODULE_FILE, http });
    try {
      await hub.start();
      expect(hub.accounts.get('acme')!.config.crm.url).toBe(a2.url);
      expect(hub.accounts.get('bravo')!.config.crm.url).toBe(b3.url);
      expect((await hub.perAccount.describe(hub.accounts.get('acme')!)).warnings).toEqual(v.warnings);
      expect(again.text()).toContain(`the hub uses ${a2.url}. Update the account's crm.url in the config file.`);
    } finally {
      await hub.stop();
      rig = { close: () => Promise.resolve() } as unknown as AccountsRig;
    }
  });

  it('never logs a CRM key or a clientId', () => {
    for (const secret of [bravoKey, acmeKey, bravoClientId, 'client-id-SECRET-acme'])
      expect(logs.text()).not.toContain(secret);
  });
});
