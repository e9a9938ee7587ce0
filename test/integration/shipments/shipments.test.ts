import request from 'supertest';
import type { Hub } from '../../../src/compose/create-hub';
import { todayIn } from '../../../src/shipments/normalize-shipments';
import type { FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { SECRETS, waitFor } from '../../helpers/test-config';
import { startShipmentsRig, type ShipmentsRig } from '../../helpers/shipments-rig';

describe('shipment reports', () => {
  let crm: FakeCrm;
  let hub: Hub;
  let rig: ShipmentsRig;
  beforeEach(async () => {
    rig = await startShipmentsRig({
      maxRetries: 0,
      shipments: { timeZone: 'Pacific/Kiritimati' },
      worker: { pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 100, leaseMs: 20000 },
    });
    ({ crm, hub } = rig);
  });
  afterEach(() => rig.stop());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    request(hub.app)
      .post('/shipments')
      .set('Authorization', `Bearer ${SECRETS.shipmentsToken}`)
      .set(headers)
      .send(body as object);
  const get = (id: string) =>
    request(hub.app).get(`/shipments/${id}`).set('Authorization', `Bearer ${SECRETS.shipmentsToken}`);
  const delivered = (id: string) =>
    waitFor(async () => (await get(id)).body.status === 'delivered', { what: `shipment ${id} delivered` });

  it('reports by externalId with the exact CRM form body, and shows the state', async () => {
    crm.addOrder('ORD-1');
    const res = await post({
      orderExternalId: 'ORD-1',
      site: 'ro',
      shipmentStore: 'main',
      shipmentDate: '2026-11-20',
      shipped: true,
    }).expect(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^shp_[0-9a-f]{16}$/), status: 'pending' });
    await delivered(res.body.id);
    const edit = crm.requests.find((r) => r.path === '/api/v5/orders/ORD-1/edit')!;
    expect(Object.fromEntries(new URLSearchParams(edit.body))).toEqual({
      by: 'externalId',
      site: 'ro',
      order: JSON.stringify({ shipped: true, shipmentStore: 'main', shipmentDate: '2026-11-20' }),
    });
    const shown = (await get(res.body.id)).body;
    expect(shown).toMatchObject({
      status: 'delivered',
      attempts: 1,
      order: { orderExternalId: 'ORD-1', site: 'ro' },
      lastAnswer: { id: expect.any(Number) },
    });
    expect(shown.deliveredAt).not.toBeNull();
  });

  it('reports by CRM id with by=id, and fills defaults: site, today in the configured zone, shipped=true', async () => {
    const order = crm.addOrder('ORD-2');
    const res = await post({ orderId: order.id, shipmentStore: 'north' }).expect(202);
    await delivered(res.body.id);
    expect(crm.orderEdits[0]).toMatchObject({
      ref: String(order.id),
      by: 'id',
      site: 'main-shop',
      order: { shipped: true, shipmentStore: 'north', shipmentDate: todayIn('Pacific/Kiritimati') },
    });
  });

  it('accepts a list of up to 100 and answers every id', async () => {
    for (let i = 0; i < 3; i++) crm.addOrder(`L-${i}`);
    const res = await post([0, 1, 2].map((i) => ({ orderExternalId: `L-${i}`, shipmentStore: 'main' }))).expect(202);
    expect(res.body.shipments).toHaveLength(3);
    for (const s of res.body.shipments) await delivered(s.id);
    expect(crm.orderEdits.map((e) => e.ref).sort()).toEqual(['L-0', 'L-1', 'L-2']);
  });

  it('an Idempotency-Key repeat answers the same id and creates nothing; another body with it is refused', async () => {
    crm.addOrder('ORD-3');
    const body = { orderExternalId: 'ORD-3', shipmentStore: 'main' };
    const a = await post(body, { 'Idempotency-Key': 'k-1' }).expect(202);
    const b = await post(body, { 'Idempotency-Key': 'k-1' }).expect(200);
    expect(b.body.id).toBe(a.body.id);
    const c = await post({ ...body, shipmentStore: 'other' }, { 'Idempotency-Key': 'k-1' }).expect(422);
    expect(c.body.error.message).toContain('Idempotency-Key');
    await delivered(a.body.id);
    expect(crm.orderEdits).toHaveLength(1);
  });

  it('requires the shipments token: 401 without, 403 wrong', async () => {
    await request(hub.app).post('/shipments').send({ orderExternalId: 'X', shipmentStore: 'm' }).expect(401);
    await request(hub.app)
      .post('/shipments')
      .set('Authorization', `Bearer ${SECRETS.adminToken}`)
      .send({ orderExternalId: 'X', shipmentStore: 'm' })
      .expect(403);
    await request(hub.app).get('/shipments/shp_0000000000000000').expect(401);
  });

  const bad: Array<[string, unknown, string]> = [
    ['no order identifier', { shipmentStore: 'm' }, 'orderExternalId'],
    ['both identifiers', { orderExternalId: 'A', orderId: 5, shipmentStore: 'm' }, 'orderExternalId'],
    ['orderId negative', { orderId: -1, shipmentStore: 'm' }, 'orderId'],
    ['orderId fractional', { orderId: 1.5, shipmentStore: 'm' }, 'orderId'],
    ['orderId a word', { orderId: 'abc', shipmentStore: 'm' }, 'orderId'],
    ['orderExternalId empty', { orderExternalId: '', shipmentStore: 'm' }, 'orderExternalId'],
    ['orderExternalId too long', { orderExternalId: 'x'.repeat(256), shipmentStore: 'm' }, 'orderExternalId'],
    ['shipmentStore missing', { orderExternalId: 'A' }, 'shipmentStore'],
    ['shipmentStore a number', { orderExternalId: 'A', shipmentStore: 5 }, 'shipmentStore'],
    [
      'shipmentDate in another format',
      { orderExternalId: 'A', shipmentStore: 'm', shipmentDate: '20.11.2026' },
      'shipmentDate',
    ],
    [
      'shipmentDate not a real day',
      { orderExternalId: 'A', shipmentStore: 'm', shipmentDate: '2026-02-30' },
      'shipmentDate',
    ],
    ['shipped a string', { orderExternalId: 'A', shipmentStore: 'm', shipped: 'yes' }, 'shipped'],
    ['site empty', { orderExternalId: 'A', shipmentStore: 'm', site: '' }, 'site'],
    ['unknown field (typo)', { orderExternalId: 'A', shipmentstore: 'm' }, 'shipmentstore'],
    ['a bare string', 'ORD-1', 'body'],
    ['an empty list', [], 'body'],
    ['more than 100', Array.from({ length: 101 }, () => ({ orderExternalId: 'A', shipmentStore: 'm' })), 'at most 100'],
    [
      'one bad item in a list',
      [{ orderExternalId: 'A', shipmentStore: 'm' }, { orderExternalId: 'B' }],
      '[1].shipmentStore',
    ],
    ['__proto__ key', JSON.parse('{"orderExternalId":"A","shipmentStore":"m","__proto__":{"x":1}}'), '__proto__'],
    // Issue 10: references that would edit another resource, or text that cannot be stored faithfully.
    [
      'orderExternalId ".." (would POST /api/v5/edit)',
      { orderExternalId: '..', shipmentStore: 'm' },
      'orderExternalId',
    ],
    [
      'orderExternalId "." (would POST /api/v5/orders/edit)',
      { orderExternalId: '.', shipmentStore: 'm' },
      'orderExternalId',
    ],
    ['orderExternalId with a lone surrogate', { orderExternalId: 'A\ud800', shipmentStore: 'm' }, 'orderExternalId'],
    ['orderExternalId with a C1 control', { orderExternalId: 'A\u0085', shipmentStore: 'm' }, 'orderExternalId'],
    ['orderExternalId with a C0 control', { orderExternalId: 'A\u0007', shipmentStore: 'm' }, 'orderExternalId'],
    ['shipmentStore with a C1 control', { orderExternalId: 'A', shipmentStore: 'm\u009b' }, 'shipmentStore'],
    ['shipmentStore with a lone surrogate', { orderExternalId: 'A', shipmentStore: '\udfff' }, 'shipmentStore'],
    ['site with a C1 control', { orderExternalId: 'A', shipmentStore: 'm', site: 's\u0080' }, 'site'],
    ['orderId ""', { orderId: '', shipmentStore: 'm' }, 'orderId'],
  ];

  it.each(bad)('refuses %s with 400 naming the field, storing nothing', async (_n, body, mention) => {
    const res = await request(hub.app)
      .post('/shipments')
      .set('Authorization', `Bearer ${SECRETS.shipmentsToken}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(mention);
    expect(await hub.storage.shipments.list('pending', 10)).toEqual([]);
  });

  it('refuses invalid JSON and a non-JSON content type', async () => {
    const a = await request(hub.app)
      .post('/shipments')
      .set('Authorization', `Bearer ${SECRETS.shipmentsToken}`)
      .set('Content-Type', 'application/json')
      .send('{"orderExternalId":');
    expect(a.status).toBe(400);
    const b = await request(hub.app)
      .post('/shipments')
      .set('Authorization', `Bearer ${SECRETS.shipmentsToken}`)
      .type('form')
      .send('orderExternalId=A');
    expect(b.status).toBe(415);
  });

  it("sends one order's reports one at a time in arrival order, even across retries; other orders are not held up", async () => {
    crm.addOrder('X');
    crm.addOrder('Y');
    crm.fail(2, { type: 'status', status: 500 }, /\/orders\/X\/edit$/);
    const first = await post({ orderExternalId: 'X', shipmentStore: 'main', shipmentDate: '2026-11-01' }).expect(202);
    const second = await post({ orderExternalId: 'X', shipmentStore: 'main', shipmentDate: '2026-11-02' }).expect(202);
    const other = await post({ orderExternalId: 'Y', shipmentStore: 'main' }).expect(202);
    await delivered(second.body.id);
    await delivered(other.body.id);
    expect(crm.orderEdits.filter((e) => e.ref === 'X').map((e) => e.order.shipmentDate)).toEqual([
      '2026-11-01',
      '2026-11-02',
    ]);
    expect((await get(first.body.id)).body.attempts).toBe(3);
    const xAttempts = crm.requests
      .filter((r) => r.path === '/api/v5/orders/X/edit')
      .map((r) => new URLSearchParams(r.body).get('order'));
    expect(xAttempts.map((o) => JSON.parse(o!).shipmentDate)).toEqual([
      '2026-11-01',
      '2026-11-01',
      '2026-11-01',
      '2026-11-02',
    ]);
    expect(crm.orderEdits.findIndex((e) => e.ref === 'Y')).toBeLessThan(crm.orderEdits.findIndex((e) => e.ref === 'X'));
  });

  it('a success:false answer is a permanent failure kept with the CRM message, listed for admins, and retryable', async () => {
    crm.addOrder('Z');
    crm.refuseShipped = true;
    const res = await post({ orderExternalId: 'Z', shipmentStore: 'main' }).expect(202);
    await waitFor(async () => (await get(res.body.id)).body.status === 'failed', { what: 'failure' });
    const shown = (await get(res.body.id)).body;
    expect(shown).toMatchObject({
      attempts: 1,
      lastStatus: 400,
      lastAnswer: {
        errorMsg: 'Errors in the entity format',
        errors: { shipped: expect.stringContaining('registered warehouse system') },
      },
    });
    const failures = await request(hub.app)
      .get('/admin/shipments/failures')
      .set('Authorization', `Bearer ${SECRETS.adminToken}`)
      .expect(200);
    expect(failures.body.failures.map((f: { id: string }) => f.id)).toEqual([res.body.id]);
    crm.refuseShipped = false;
    await request(hub.app)
      .post(`/admin/shipments/${res.body.id}/retry`)
      .set('Authorization', `Bearer ${SECRETS.adminToken}`)
      .expect(200, { retried: 1 });
    await delivered(res.body.id);
  });

  it('an order the CRM does not know fails with its message, not a retry loop', async () => {
    const res = await post({ orderExternalId: 'NOPE', shipmentStore: 'main' }).expect(202);
    await waitFor(async () => (await get(res.body.id)).body.status === 'failed', { what: 'failure' });
    expect((await get(res.body.id)).body.lastAnswer).toEqual({ errorMsg: 'Not found' });
    expect(crm.requests.filter((r) => r.path.includes('NOPE'))).toHaveLength(1);
  });
});
