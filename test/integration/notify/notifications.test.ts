import request from 'supertest';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { createNotifier, type Notifier } from '../../../src/notify/create-notifier';
import { parseConfig } from '../../../src/config/load-config';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { formBody, offer } from '../../helpers/callback-bodies';
import { capturingLog, rawConfig, SECRETS, targetRaw, waitFor } from '../../helpers/test-config';

const sent = (crm: FakeCrm) => crm.requests.filter((r) => r.path === '/api/v5/notifications/send');
const noticeOf = (r: { body: string }) =>
  JSON.parse(new URLSearchParams(r.body).get('notification') ?? 'null') as {
    type: string;
    userGroups: string[];
    message: string;
  };

describe('telling the merchant in their CRM', () => {
  let crm: FakeCrm;
  let shop: FakeMerchantPro;
  let hub: Hub;
  let notifier: Notifier;
  const logs = capturingLog('debug');
  let clock = Date.parse('2026-12-03T10:00:00Z');

  beforeAll(async () => {
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    shop = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    shop.addItem('TSHIRT-1');
    const config = parseConfig(
      rawConfig({
        crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
        targets: [targetRaw('shop', shop.url, { timeoutMs: 1000 })],
        worker: { leaseMs: 3000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, drainMs: 2000 },
        // The periodic pass stays out of the way: the test runs check() itself, with its own clock.
        notifications: { everySeconds: 86_400, deadLetters: 1 },
      }),
      {},
    );
    hub = createHub({ config, log: logs.log });
    await hub.start();
    // A notifier over the hub's accounts and store with the test's clock (a day passes without waiting one); the
    // hub's own pass is a day away.
    notifier = createNotifier({
      accounts: () => hub.perAccount.all(),
      notices: hub.storage.notices,
      settings: config.notifications,
      publicUrl: config.server.publicUrl,
      log: logs.log,
      now: () => clock,
    });
  });
  afterAll(async () => {
    await hub.stop();
    await shop.close();
    await crm.close();
  });

  it('a shop paused by a 401 is told once, in words with the settings link; not again within the day', async () => {
    shop.fail(1, { status: 401 });
    const res = await request(hub.app)
      .post('/callbacks/inventories-upload')
      .type('form')
      .send(formBody([offer('TSHIRT-1', { main: 5 })]));
    expect(res.status).toBe(200);
    await waitFor(async () => (await hub.storage.hubState.getTarget('shop')).paused, { what: 'the shop paused' });
    expect(await notifier.check()).toBe(1);
    expect(sent(crm)).toHaveLength(1);
    const n = noticeOf(sent(crm)[0]);
    expect(n.type).toBe('api.error');
    expect(n.userGroups).toEqual(['superadmins']);
    expect(n.message).toMatch(/^Stockbridge: your shop “shop” is paused \(.*401.*\)\./);
    expect(n.message).toContain('https://hub.example.com/settings');
    // Later the same day: nothing more.
    clock += 6 * 3600_000;
    expect(await notifier.check()).toBe(0);
    expect(sent(crm)).toHaveLength(1);
  });

  it('the notice is recorded, visible in the admin API with its outcome', async () => {
    const res = await request(hub.app).get('/admin/notifications').set('Authorization', `Bearer ${SECRETS.adminToken}`);
    expect(res.status).toBe(200);
    expect((res.body as { notifications: unknown[] }).notifications).toEqual([
      expect.objectContaining({ problem: 'shop-paused:shop', day: '2026-12-03', outcome: 'sent' }),
    ]);
  });

  it('the next day, still paused: told once more', async () => {
    clock += 24 * 3600_000;
    expect(await notifier.check()).toBe(1);
    expect(await notifier.check()).toBe(0);
    expect(sent(crm)).toHaveLength(2);
  });

  it('dead letters past the threshold are told; a pause the merchant chose is not', async () => {
    await hub.admin.resume('shop');
    const res = await request(hub.app)
      .post('/callbacks/inventories-upload')
      .type('form')
      .send(formBody([offer('GHOST-9', { main: 1 })]));
    expect(res.status).toBe(200);
    await waitFor(async () => (await hub.storage.deliveries.get('shop', 'GHOST-9'))?.dead, { what: 'a dead letter' });
    clock += 24 * 3600_000;
    expect(await notifier.check()).toBe(1);
    expect(noticeOf(sent(crm).at(-1)!).message).toMatch(
      /^Stockbridge: 1 stock updates could not be delivered to your shop “shop”/,
    );
    await hub.admin.pause('shop', 'paused by the merchant');
    clock += 24 * 3600_000;
    expect(await notifier.check()).toBe(1);
    const today = (await hub.storage.notices.list('default', 10)).filter((n) => n.at === clock);
    expect(today.map((n) => n.problem)).toEqual(['dead-letters:shop']);
  });

  it('a CRM that refuses the notice: recorded as failed, not retried that day, no secret in the logs', async () => {
    await hub.storage.hubState.setTargetPaused('shop', 'HTTP 403: the shop refused our credentials', clock);
    crm.fail(2, { type: 'refuse', status: 400, errorMsg: 'Notifications are off' }, /notifications/);
    clock += 24 * 3600_000;
    expect(await notifier.check()).toBe(0);
    const today = (await hub.storage.notices.list('default', 10)).filter((n) => n.at === clock);
    expect(today.map((n) => [n.problem, n.outcome])).toEqual([
      ['dead-letters:shop', expect.stringMatching(/^failed: .*Notifications are off/)],
      ['shop-paused:shop', expect.stringMatching(/^failed: .*Notifications are off/)],
    ]);
    expect(await notifier.check()).toBe(0);
    for (const s of [SECRETS.crmApiKey, SECRETS.clientId, SECRETS.mpKey, SECRETS.mpSecret])
      expect(logs.text()).not.toContain(s);
  });

  it('an account whose module is switched off in the CRM is not told anything', async () => {
    await hub.activity.set({ active: false, freeze: false });
    clock += 24 * 3600_000;
    const before = sent(crm).length;
    expect(await notifier.check()).toBe(0);
    expect(sent(crm)).toHaveLength(before);
    await hub.activity.set({ active: true, freeze: false });
    expect(await notifier.check()).toBe(2);
  });
});

describe('notifications configured off', () => {
  it('check() sends nothing', async () => {
    const crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    const config = parseConfig(
      rawConfig({
        crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
        notifications: { enabled: false },
      }),
      {},
    );
    const hub = createHub({ config, log: capturingLog().log });
    try {
      await hub.storage.hubState.setTargetPaused('ro-shop', 'HTTP 401: refused', Date.now());
      expect(await hub.notifier.check()).toBe(0);
      expect(sent(crm)).toHaveLength(0);
    } finally {
      await hub.stop();
      await crm.close();
    }
  });
});
