import request from 'supertest';
import type { Hub } from '../../src/compose/create-hub';
import type { FakeCrm } from '../../src/demo/fakes/fake-crm';
import { SECRETS, waitFor } from '../helpers/test-config';
import { startShipmentsRig, type ShipmentsRig } from '../helpers/shipments-rig';

/**
 * Issue 10, item 1, scaled down: the CRM answers 503 with Retry-After for longer than the lease, so the first report's
 * in-client retry chain outlives a lease that is not renewed. The CRM must then see first, second: never the first
 * report again after the second.
 */
describe('shipment reports under a CRM answering 503 + Retry-After for longer than the lease', () => {
  let crm: FakeCrm;
  let hub: Hub;
  let rig: ShipmentsRig;
  beforeAll(async () => {
    rig = await startShipmentsRig({
      maxRetries: 5,
      worker: { leaseMs: 1000, pollMs: 20, backoffBaseMs: 20, backoffMaxMs: 100 },
    });
    ({ crm, hub } = rig);
  });
  afterAll(() => rig.stop());

  it('the CRM sees first, second (the lease is renewed while the send chain runs; outcomes are fenced)', async () => {
    crm.addOrder('ORD-L');
    // Three 503s with Retry-After: 1 s, about 3 s of retries inside the client: three times the lease.
    crm.fail(3, { type: 'status', status: 503, retryAfter: '1' }, /\/orders\/ORD-L\/edit$/);
    const post = (date: string) =>
      request(hub.app)
        .post('/shipments')
        .set('Authorization', `Bearer ${SECRETS.shipmentsToken}`)
        .send({ orderExternalId: 'ORD-L', shipmentStore: 'main', shipmentDate: date, shipped: true })
        .expect(202);
    const first = await post('2026-01-01');
    const second = await post('2026-01-02');
    for (const id of [first.body as { id: string }, second.body as { id: string }].map((b) => b.id))
      await waitFor(async () => (await hub.storage.shipments.get(id))?.status === 'delivered', {
        timeoutMs: 15_000,
        what: `shipment ${id} delivered`,
      });
    const dates = crm.orderEdits.filter((e) => e.ref === 'ORD-L').map((e) => e.order.shipmentDate);
    expect(dates).toEqual(['2026-01-01', '2026-01-02']);
    // Only one send chain ran for the first report: 3 refusals + 1 success, then the second report once.
    expect(crm.requests.filter((r) => r.path === '/api/v5/orders/ORD-L/edit')).toHaveLength(5);
  });
});
