import request from 'supertest';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { parseConfig } from '../../../src/config/load-config';
import { formBody, offer } from '../../helpers/callback-bodies';
import { rawConfig, SECRETS, silentLog, targetRaw, waitFor } from '../../helpers/test-config';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('admin: one SKU across everything', () => {
  let hub: Hub;
  const admin = (path: string) => request(hub.app).get(path).set('Authorization', `Bearer ${SECRETS.adminToken}`);

  beforeAll(async () => {
    const raw = rawConfig({
      targets: [
        targetRaw('ro-shop', 'http://127.0.0.1:9'),
        targetRaw('bg-shop', 'http://127.0.0.1:9', { warehouses: { main: 'Main' }, multiWarehouse: false }),
      ],
    });
    hub = createHub({ config: parseConfig(raw, {}), log: silentLog });
    await hub.start();
    // The third offer has no xmlId, the targets' offerKey: it is listed as unmapped.
    const offers = [
      offer('NORTH-ONLY', { north: 4 }),
      offer('BOTH', { main: 7, north: 1 }),
      { id: 77, stores: [{ code: 'main', available: 3 }] },
    ];
    await request(hub.app).post('/callbacks/inventories-upload').type('form').send(formBody(offers)).expect(200);
    await hub.projector.idle();
  });
  afterAll(() => hub.stop());

  it('says stock arrived for a warehouse the shop does not map, instead of "no stock has been received"', async () => {
    const res = await admin('/admin/targets/bg-shop/items/NORTH-ONLY').expect(404);
    const message = (res.body as { error: { message: string } }).error.message;
    expect(message).toContain('arrived only for CRM warehouse(s) north, which target "bg-shop" does not map');
    expect(message).not.toContain('no stock has been received');
    const none = await admin('/admin/targets/bg-shop/items/NEVER-SEEN').expect(404);
    expect((none.body as { error: { message: string } }).error.message).toContain('no stock has been received');
  });

  it('GET /admin/items/{identifier}: CRM figures, each target desired/delivered state and unmapped warehouses', async () => {
    const res = await admin('/admin/items/BOTH').expect(200);
    const body = res.body as {
      crm: unknown[];
      targets: Array<{ name: string; desired: unknown[]; unmappedWarehouses: string[]; deliveredVersion: number }>;
      sources: unknown[];
    };
    expect(body.crm).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ warehouse: 'main', quantity: 7 }),
        expect.objectContaining({ warehouse: 'north', quantity: 1 }),
      ]),
    );
    const bg = body.targets.find((t) => t.name === 'bg-shop')!;
    expect(bg.unmappedWarehouses).toEqual(['north']);
    expect(bg.desired).toEqual([expect.objectContaining({ warehouse: 'main', shopWarehouse: 'Main', quantity: 7 })]);
    expect(body.targets.find((t) => t.name === 'ro-shop')!.unmappedWarehouses).toEqual([]);
    expect(body.sources).toEqual([]);
  });

  it('timestamps are ISO 8601 in the unmapped list', async () => {
    const res = await admin('/admin/targets/ro-shop/unmapped').expect(200);
    const unmapped = (res.body as { unmapped: Array<{ seenAt: unknown }> }).unmapped;
    expect(unmapped.length).toBeGreaterThan(0);
    for (const u of unmapped) expect(u.seenAt).toMatch(ISO);
  });

  it('shipment reports are visible to the admin token, pending ones with their attempts', async () => {
    await request(hub.app)
      .post('/shipments')
      .set('Authorization', `Bearer ${SECRETS.shipmentsToken}`)
      .send({ orderExternalId: 'WEB-1', shipmentStore: 'main' })
      .expect(202);
    const res = await waitFor(async () => {
      const r = await admin('/admin/shipments?status=pending').expect(200);
      const list = (r.body as { shipments: Array<{ attempts: number; createdAt: string }> }).shipments;
      return list.length && list[0].attempts > 0 ? list : undefined;
    });
    expect(res[0].createdAt).toMatch(ISO);
    await admin('/admin/shipments?status=bogus').expect(400);
  });
});
