import { startAccountsRig, type AccountsRig } from '../../helpers/accounts-rig';
import { waitFor } from '../../helpers/test-config';

/**
 * One merchant's CRM in a 503 storm (every request refused, "come back in 30 s") while another's answers: each
 * account has its own CRM client, limiter and backoff, so the healthy one's order edits go at once. A limiter or a
 * pause shared between accounts would hold beta's edit for acme's 30 s, past the wait below.
 */
describe("accounts: one CRM's outage never slows another account's CRM calls", () => {
  let rig: AccountsRig;
  const ship = (account: string, order: string) =>
    rig.call('POST', '/shipments', {
      token: rig.accounts[account].shipmentsToken,
      body: { orderExternalId: order, shipped: true, shipmentStore: 'main' },
      headers: { 'idempotency-key': `${account}-${order}` },
    });

  beforeAll(async () => {
    rig = await startAccountsRig([
      { name: 'acme', targets: ['shop'] },
      { name: 'beta', targets: ['shop'] },
    ]);
  });
  afterAll(async () => {
    await rig.close();
  });

  it("delivers beta's order edit while acme's CRM answers 503 with Retry-After, and keeps acme's for later", async () => {
    const acme = rig.accounts.acme.crm;
    const beta = rig.accounts.beta.crm;
    acme.addOrder('A-1', 'acme-site');
    beta.addOrder('B-1', 'beta-site');
    acme.fail(1000, { type: 'status', status: 503, retryAfter: '30' });
    const a = await ship('acme', 'A-1');
    expect(a.status).toBe(202);
    await waitFor(() => acme.requests.length > 0, { what: "acme's CRM asked" });
    const b = await ship('beta', 'B-1');
    expect(b.status).toBe(202);
    await waitFor(async () => (await rig.hub.storage.shipments.get(b.body.id))?.status === 'delivered', {
      what: "beta's shipment delivered during acme's outage",
    });
    expect(beta.orderEdits.map((e) => e.ref)).toEqual(['B-1']);
    // acme's report waits out its CRM's Retry-After: not failed, not sent, and its CRM not hammered meanwhile.
    expect((await rig.hub.storage.shipments.get(a.body.id))?.status).toBe('pending');
    expect(acme.orderEdits).toEqual([]);
    expect(acme.requests.length).toBeLessThanOrEqual(2);
  });
});
