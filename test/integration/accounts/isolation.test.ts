import { startAccountsRig, type AccountsRig } from '../../helpers/accounts-rig';
import { startFakeSyncInventory, type FakeSyncInventory } from '../../../src/demo/fakes/fake-syncinventory';
import { offer } from '../../helpers/callback-bodies';
import { waitFor } from '../../helpers/test-config';
import { metricValue } from '../../helpers/metric-value';

/**
 * Two merchants on one hub, over real sockets: `acme` (target `shop`) and `beta` (targets `shop` and `outlet`, and
 * a SyncInventory source `erp`). The target name `shop` is the same in both on purpose.
 */
describe('accounts: isolation between two merchants on one hub', () => {
  let rig: AccountsRig;
  let si: FakeSyncInventory;
  const A = 'acme';
  const B = 'beta';
  const stockOf = (rig: AccountsRig, account: string, target: string, sku: string) =>
    Object.fromEntries(rig.accounts[account].shops[target].bySku(sku)!.warehouses!.map((w) => [w.name, w.stock]));
  const writesOf = (account: string, target: string, sku: string) =>
    rig.accounts[account].shops[target].writes.filter((w) => w.sku === sku).length;
  const delivered = (account: string, target: string, sku: string) =>
    waitFor(() => writesOf(account, target, sku) > 0, { what: `${sku} at ${account}/${target}` });

  beforeAll(async () => {
    si = await startFakeSyncInventory({ apiKey: 'si-key-SECRET' });
    rig = await startAccountsRig([
      { name: A, targets: ['shop'] },
      {
        name: B,
        targets: ['shop', 'outlet'],
        sources: () => [
          { name: 'erp', type: 'syncinventory', url: si.url, apiKey: 'si-key-SECRET', warehouses: { '7': 'main' } },
        ],
      },
    ]);
    for (const sku of ['SKU-1', 'SKU-A', 'SKU-B', 'SKU-H', 'SKU-H2']) {
      rig.accounts[A].shops.shop.addItem(sku);
      rig.accounts[B].shops.shop.addItem(sku);
      rig.accounts[B].shops.outlet.addItem(sku);
    }
  });
  afterAll(async () => {
    await rig.close();
    await si.close();
  });

  it("sends a callback's figures to its own account's targets only (the same SKU, other figures, per account)", async () => {
    expect((await rig.upload(A, [offer('SKU-1', { main: 5 }), offer('SKU-A', { main: 1 })])).status).toBe(200);
    expect((await rig.upload(B, [offer('SKU-1', { main: 9, north: 2 }), offer('SKU-B', { main: 3 })])).status).toBe(
      200,
    );
    await delivered(A, 'shop', 'SKU-1');
    await delivered(B, 'shop', 'SKU-1');
    await delivered(B, 'outlet', 'SKU-B');
    await waitFor(() => writesOf(B, 'outlet', 'SKU-1') > 0 && writesOf(B, 'shop', 'SKU-B') > 0);
    await waitFor(() => writesOf(A, 'shop', 'SKU-A') > 0);
    expect(stockOf(rig, A, 'shop', 'SKU-1')).toEqual({ 'Depozit central': 5, 'Depozit nord': 0 });
    expect(stockOf(rig, B, 'shop', 'SKU-1')).toEqual({ 'Depozit central': 9, 'Depozit nord': 2 });
    expect(stockOf(rig, B, 'outlet', 'SKU-1')).toEqual({ 'Depozit central': 9, 'Depozit nord': 2 });
    // acme's SKU never reached beta's shops, beta's never acme's.
    expect(writesOf(B, 'shop', 'SKU-A') + writesOf(B, 'outlet', 'SKU-A')).toBe(0);
    expect(writesOf(A, 'shop', 'SKU-B')).toBe(0);
  });

  it('answers an unknown clientId 403 in the CRM envelope, stores nothing, and counts it', async () => {
    const before = await rig.hub.storage.callbackLog.count();
    const res = await rig.call('POST', '/callbacks/inventories-upload', {
      token: null,
      form: { clientId: 'no-such-client-id', offers: [offer('SKU-1', { main: 1 })] },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ success: false, errorMsg: 'clientId is not valid for this module' });
    const act = await rig.call('POST', '/callbacks/activity?clientId=no-such-client-id', {
      token: null,
      form: { activity: { active: false, freeze: false } },
    });
    expect(act.status).toBe(403);
    expect(await rig.hub.storage.callbackLog.count()).toBe(before);
    const metrics = (await rig.call('GET', '/metrics', { token: null })).text;
    expect(metricValue(metrics, 'stockbridge_callbacks_total', { account: 'unknown', outcome: 'unknown-client' })).toBe(
      2,
    );
    // Counted once, as what it is (not also as a rejected callback).
    expect(metricValue(metrics, 'stockbridge_callbacks_total', { account: 'unknown', outcome: 'rejected' })).toBe(0);
    for (const a of Object.values(rig.accounts)) expect(metrics).not.toContain(a.clientId);
  });

  it("answers a stock question from the asking account's sources only", async () => {
    si.add('Q-1', { '7': 11 });
    const ask = async (account: string) =>
      rig.call('POST', '/callbacks/inventories-upload', {
        token: null,
        form: { clientId: rig.accounts[account].clientId, offers: [{ externalId: 'Q-1' }] },
      });
    const beta = await ask(B);
    expect(beta.body).toEqual({
      success: true,
      offers: [{ externalId: 'Q-1', stores: [{ code: 'main', available: 11 }] }],
    });
    const lookups = si.lookupsOf('Q-1');
    const acme = await ask(A);
    expect(acme.status).toBe(200);
    expect(JSON.stringify(acme.body)).not.toContain('"available":11');
    expect(si.lookupsOf('Q-1')).toBe(lookups); // acme has no source: beta's was never asked on its behalf
  });

  it("holds an inactive account's stock (its callbacks still answered) while the other flows; sends it once active", async () => {
    expect((await rig.activity(A, false)).body).toEqual({ success: true });
    expect((await rig.upload(A, [offer('SKU-H', { main: 4 })])).status).toBe(200);
    expect((await rig.upload(B, [offer('SKU-H', { main: 6 })])).status).toBe(200);
    await delivered(B, 'shop', 'SKU-H');
    await delivered(B, 'outlet', 'SKU-H');
    // beta's later callback is through; acme's earlier one is held.
    expect((await rig.upload(B, [offer('SKU-H2', { main: 1 })])).status).toBe(200);
    await delivered(B, 'shop', 'SKU-H2');
    expect(writesOf(A, 'shop', 'SKU-H')).toBe(0);
    const view = (await rig.call('GET', `/admin/accounts/${A}`)).body;
    expect(view).toMatchObject({ name: A, active: false, targets: [{ name: 'shop', state: 'held', backlog: 1 }] });
    expect((await rig.call('GET', `/admin/accounts/${B}`)).body).toMatchObject({ active: true });

    await rig.activity(A, true);
    await delivered(A, 'shop', 'SKU-H');
    expect(stockOf(rig, A, 'shop', 'SKU-H')).toMatchObject({ 'Depozit central': 4 });
    expect(stockOf(rig, B, 'shop', 'SKU-H')).toMatchObject({ 'Depozit central': 6 });
  });

  describe("every account-scoped admin route, tried with the other account's names", () => {
    let betaShipment: string;
    let acmeShipment: string;

    beforeAll(async () => {
      // beta: a dead letter on its `shop` (an item the shop does not have), and a failed shipment (no such order).
      expect((await rig.upload(B, [offer('SKU-DEAD', { main: 1 })])).status).toBe(200);
      await waitFor(async () => (await rig.hub.storage.deliveries.get('beta/shop', 'SKU-DEAD'))?.dead, {
        what: "beta's dead letter",
      });
      const ship = (account: string, order: string) =>
        rig.call('POST', '/shipments', {
          token: rig.accounts[account].shipmentsToken,
          body: { orderExternalId: order, shipped: true, shipmentStore: 'main' },
          headers: { 'idempotency-key': 'same-key' },
        });
      const b = await ship(B, 'NO-SUCH-ORDER');
      expect(b.status).toBe(202);
      betaShipment = b.body.id;
      rig.accounts[A].crm.addOrder('A-ORDER', `${A}-site`);
      // The same Idempotency-Key in another account is another report.
      const a = await ship(A, 'A-ORDER');
      expect(a.status).toBe(202);
      acmeShipment = a.body.id;
      expect(acmeShipment).not.toBe(betaShipment);
      await waitFor(async () => (await rig.hub.storage.shipments.get(betaShipment))?.status === 'failed');
      await waitFor(async () => (await rig.hub.storage.shipments.get(acmeShipment))?.status === 'delivered');
      // Each report went to its own account's CRM.
      expect(rig.accounts[A].crm.orderEdits.map((e) => e.ref)).toEqual(['A-ORDER']);
      expect(rig.accounts[B].crm.orderEdits).toEqual([]);
    });

    const notFound = async (method: string, path: string, body?: unknown) => {
      const res = await rig.call(method, path, { body });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      // The answer for a name that exists nowhere: nothing tells that another account has it.
      expect(res.body.error.message).toMatch(
        /^no (target|source|account) named "[^"]+"; GET|is not a (dead letter|failed report)/,
      );
      return res;
    };

    it("refuses beta's target names under acme on every target route (404), and changes nothing of beta's", async () => {
      for (const t of ['outlet', 'beta%2Fshop', 'beta%2Foutlet']) {
        const base = `/admin/accounts/${A}/targets/${t}`;
        await notFound('GET', `${base}/dead-letters`);
        await notFound('GET', `${base}/failures`);
        await notFound('GET', `${base}/unmapped`);
        await notFound('GET', `${base}/items/SKU-DEAD`);
        await notFound('GET', `${base}/items/SKU-DEAD/live`);
        await notFound('POST', `${base}/dead-letters/retry`, { item: 'SKU-DEAD' });
        await notFound('POST', `${base}/pause`, { reason: 'not yours' });
        await notFound('POST', `${base}/resume`);
      }
      const named = await rig.call('GET', `/admin/accounts/${A}/targets/outlet/failures`);
      expect(named.body.error.message).toBe('no target named "outlet"; GET /admin/accounts/acme/targets lists them');
      // acme's own `shop` has no such dead letter: beta's stays dead.
      await notFound('POST', `/admin/accounts/${A}/targets/shop/dead-letters/retry`, { item: 'SKU-DEAD' });
      const all = await rig.call('POST', `/admin/accounts/${A}/targets/shop/dead-letters/retry`, { body: {} });
      expect(all.body).toEqual({ retried: 0 });
      expect(await rig.hub.storage.deliveries.get('beta/shop', 'SKU-DEAD')).toMatchObject({ dead: true });
      expect((await rig.hub.storage.hubState.getTarget('beta/outlet')).paused).toBe(false);
      const deadOfBeta = await rig.call('GET', `/admin/accounts/${B}/targets/shop/dead-letters`);
      expect(deadOfBeta.body.deadLetters).toEqual([expect.objectContaining({ item: 'SKU-DEAD' })]);
      expect((await rig.call('GET', `/admin/accounts/${A}/targets/shop/dead-letters`)).body.deadLetters).toEqual([]);
    });

    it("lists only the account's own targets, with its own names and figures", async () => {
      const acme = (await rig.call('GET', `/admin/accounts/${A}/targets`)).body;
      expect(acme.targets.map((t: { name: string }) => t.name)).toEqual(['shop']);
      const beta = (await rig.call('GET', `/admin/accounts/${B}/targets`)).body;
      expect(beta.targets.map((t: { name: string }) => t.name)).toEqual(['shop', 'outlet']);
      expect(beta.targets[0]).toMatchObject({ dead: 1 });
      expect(acme.targets[0]).toMatchObject({ dead: 0 });
    });

    it("finds an item only in the account's own figures and targets", async () => {
      const acme = (await rig.call('GET', `/admin/accounts/${A}/items/SKU-B`)).body;
      expect(acme).toMatchObject({ identifier: 'SKU-B', crm: [] });
      expect(acme.targets.map((t: { name: string }) => t.name)).toEqual(['shop']);
      expect(acme.targets[0]).toMatchObject({ desired: [], version: null });
      const beta = (await rig.call('GET', `/admin/accounts/${B}/items/SKU-1`)).body;
      expect(beta.crm).toEqual(
        expect.arrayContaining([expect.objectContaining({ offerKey: 'xmlId', warehouse: 'main', quantity: 9 })]),
      );
      expect(JSON.stringify(beta)).not.toContain('"quantity":5');
    });

    it("refuses beta's shipments under acme (list, retry, GET /shipments/{id} with acme's token)", async () => {
      const failedOfAcme = (await rig.call('GET', `/admin/accounts/${A}/shipments?status=failed`)).body;
      expect(failedOfAcme.shipments).toEqual([]);
      expect((await rig.call('GET', `/admin/accounts/${A}/shipments/failures`)).body.failures).toEqual([]);
      const delivered = (await rig.call('GET', `/admin/accounts/${A}/shipments?status=delivered`)).body;
      expect(delivered.shipments.map((s: { id: string }) => s.id)).toEqual([acmeShipment]);
      await notFound('POST', `/admin/accounts/${A}/shipments/${betaShipment}/retry`);
      expect((await rig.call('POST', `/admin/accounts/${A}/shipments/retry`)).body).toEqual({ retried: 0 });
      expect((await rig.hub.storage.shipments.get(betaShipment))?.status).toBe('failed');
      const byToken = await rig.call('GET', `/shipments/${betaShipment}`, { token: rig.accounts[A].shipmentsToken });
      expect(byToken.status).toBe(404);
      const own = await rig.call('GET', `/shipments/${betaShipment}`, { token: rig.accounts[B].shipmentsToken });
      expect(own.body).toMatchObject({ id: betaShipment, status: 'failed' });
      const failedOfBeta = (await rig.call('GET', `/admin/accounts/${B}/shipments?status=failed`)).body;
      expect(failedOfBeta.shipments.map((s: { id: string }) => s.id)).toEqual([betaShipment]);
    });

    it("refuses beta's source under acme (sources, sync now, sync runs)", async () => {
      expect((await rig.call('GET', `/admin/accounts/${A}/sources`)).body).toEqual({ sources: [] });
      await notFound('POST', `/admin/accounts/${A}/sources/erp/sync`);
      await notFound('POST', `/admin/accounts/${A}/sources/beta%2Ferp/sync`);
      await rig.call('POST', `/admin/accounts/${B}/sources/erp/sync`).then((r) => expect(r.status).toBe(200));
      await waitFor(async () => (await rig.call('GET', `/admin/accounts/${B}/sync-runs`)).body.runs.length > 0);
      expect((await rig.call('GET', `/admin/accounts/${A}/sync-runs?source=erp`)).body).toEqual({ runs: [] });
      expect((await rig.call('GET', `/admin/accounts/${A}/sync-runs`)).body).toEqual({ runs: [] });
      const betaRuns = (await rig.call('GET', `/admin/accounts/${B}/sync-runs`)).body.runs;
      expect(betaRuns[0]).toMatchObject({ source: 'erp' });
    });

    it('shows each account its own captured callbacks only, never a clientId', async () => {
      const acme = (await rig.call('GET', `/admin/accounts/${A}/callbacks/recent`)).body.callbacks;
      expect(acme.length).toBeGreaterThan(0);
      expect(acme.every((c: { account: string }) => c.account === A)).toBe(true);
      const text = JSON.stringify(acme);
      expect(text).not.toContain('SKU-B');
      expect(text).not.toContain(rig.accounts[A].clientId);
      expect(text).not.toContain(rig.accounts[B].clientId);
    });

    it('keeps the 0.2 paths for a hub of one account: with two, they answer 404 naming /admin/accounts', async () => {
      const res = await rig.call('GET', '/admin/targets');
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(/2 accounts.*\/admin\/accounts\/\{name\}/);
      await notFound('GET', '/admin/accounts/gamma/targets');
    });

    it('GET /admin/accounts lists both with their state and never a secret', async () => {
      const res = await rig.call('GET', '/admin/accounts');
      expect(res.body.accounts.map((a: { name: string }) => a.name)).toEqual([A, B]);
      expect(res.body.accounts[1]).toMatchObject({
        name: B,
        origin: 'file',
        active: true,
        frozen: false,
        targets: [
          { name: 'shop', dead: 1, paused: false },
          { name: 'outlet', paused: false },
        ],
      });
      expect(res.body.accounts[0].lastCallbackAt).toMatch(/^\d{4}-/);
      for (const a of Object.values(rig.accounts))
        for (const secret of [a.apiKey, a.clientId, a.shipmentsToken]) expect(res.text).not.toContain(secret);
    });

    it('labels the backlog, dead-letter and callback metrics with the account', async () => {
      const metrics = (await rig.call('GET', '/metrics', { token: null })).text;
      const v = (name: string, labels: Record<string, string>) => metricValue(metrics, name, labels);
      expect(v('stockbridge_dead_letters', { account: 'beta', target: 'beta/shop' })).toBe(1);
      expect(v('stockbridge_dead_letters', { account: 'acme', target: 'acme/shop' })).toBe(0);
      expect(v('stockbridge_backlog_items', { account: 'acme', target: 'acme/shop' })).toBe(0);
      expect(v('stockbridge_callbacks_total', { account: 'acme', kind: 'activity', outcome: 'accepted' })).toBe(2);
      expect(v('stockbridge_callbacks_total', { account: 'beta', kind: 'activity', outcome: 'accepted' })).toBe(0);
      expect(
        v('stockbridge_deliveries_total', { account: 'beta', target: 'beta/outlet', outcome: 'delivered' }),
      ).toBeGreaterThan(0);
    });
  });
});
