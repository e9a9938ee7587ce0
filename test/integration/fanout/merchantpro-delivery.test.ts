import request from 'supertest';
import { offer } from '../../helpers/callback-bodies';
import { startFanoutRig, waitDelivered, type Rig } from '../../helpers/fanout-rig';
import { SECRETS, waitFor } from '../../helpers/test-config';

describe('delivery to a MerchantPro shop over real sockets', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('multi-warehouse shops get absolute figures per mapped warehouse name, never top-level stock', async () => {
    rig = await startFanoutRig({ skus: ['A1'] });
    await rig.post([offer('A1', { main: 5, north: 2, elsewhere: 9 })]);
    await waitDelivered(rig.hub, 'shop', ['A1']);
    expect(rig.shop.writes).toEqual([
      expect.objectContaining({
        sku: 'A1',
        version: 1,
        body: {
          warehouses: [
            { name: 'Depozit central', stock: 5 },
            { name: 'Depozit nord', stock: 2 },
          ],
        },
      }),
    ]);
    expect(rig.shop.bySku('A1')!.stock).toBe(7);
  });

  it('single-warehouse shops get the sum of the mapped warehouses (unreported ones count as 0)', async () => {
    rig = await startFanoutRig({
      shop: { multiWarehouse: false },
      target: { multiWarehouse: false },
      skus: ['A1', 'B2'],
    });
    await rig.post([offer('A1', { main: 5, north: 2 }), offer('B2', { main: 4 })]);
    await waitDelivered(rig.hub, 'shop', ['A1', 'B2']);
    expect(rig.shop.bySku('A1')!.stock).toBe(7);
    expect(rig.shop.bySku('B2')!.stock).toBe(4);
    expect(
      rig.shop.writes.every((w) => !('warehouses' in w.body) && !JSON.stringify(w.body).includes('adjust_by')),
    ).toBe(true);
  });

  it('enableInventory turns tracking on for items whose inventory is off; without it they are dead-lettered with the reason', async () => {
    rig = await startFanoutRig({ target: { enableInventory: true } });
    rig.shop.addItem('OFF-1', { inventory_enabled: 'off' });
    await rig.post([offer('OFF-1', { main: 3 })]);
    await waitDelivered(rig.hub, 'shop', ['OFF-1']);
    expect(rig.shop.bySku('OFF-1')).toMatchObject({ inventory_enabled: 'on', stock: 3 });
    await rig.close();

    rig = await startFanoutRig();
    rig.shop.addItem('OFF-1', { inventory_enabled: 'off' });
    await rig.post([offer('OFF-1', { main: 3 })]);
    await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', 'OFF-1'))?.dead, { what: 'dead letter' });
    expect((await rig.hub.storage.deliveries.get('shop', 'OFF-1'))!.deadReason).toContain('Inventory is disabled');
  });

  it('percent-encodes identifiers as one path segment, and can address items by ean or id', async () => {
    rig = await startFanoutRig({ skus: ['TShirt/Blk XL%'] });
    await rig.post([offer('TShirt/Blk XL%', { main: 1 })]);
    await waitDelivered(rig.hub, 'shop', ['TShirt/Blk XL%']);
    expect(rig.shop.requests.find((r) => r.method === 'PATCH')!.path).toBe(
      '/api/v2/inventory/sku/TShirt%2FBlk%20XL%25',
    );
    await rig.close();

    rig = await startFanoutRig({ target: { identifier: 'ean' } });
    rig.shop.addItem('S', { ean: '5940000000001' });
    await rig.post([offer('5940000000001', { main: 8 })]);
    await waitDelivered(rig.hub, 'shop', ['5940000000001']);
    expect(rig.shop.bySku('S')!.stock).toBe(8);
  });

  it('sends Basic auth built from apiKey:apiSecret', async () => {
    rig = await startFanoutRig({ skus: ['A1'] });
    await rig.post([offer('A1', { main: 1 })]);
    await waitDelivered(rig.hub, 'shop', ['A1']);
    expect(rig.shop.requests[0].headers.authorization).toBe(
      'Basic ' + Buffer.from(`${SECRETS.mpKey}:${SECRETS.mpSecret}`).toString('base64'),
    );
  });

  it('holds everything while the module is inactive, and sends once it is active again', async () => {
    rig = await startFanoutRig({ skus: ['A1'] });
    await request(rig.hub.app)
      .post('/callbacks/activity')
      .send({ clientId: SECRETS.clientId, activity: { active: false, freeze: false } })
      .expect(200);
    await rig.post([offer('A1', { main: 6 })]);
    await rig.hub.projector.idle();
    expect(await rig.hub.storage.deliveries.nextDueAt('shop')).not.toBeNull();
    expect(rig.shop.requests).toHaveLength(0);
    await request(rig.hub.app)
      .post('/callbacks/activity')
      .send({ clientId: SECRETS.clientId, activity: { active: true, freeze: false } })
      .expect(200);
    await waitDelivered(rig.hub, 'shop', ['A1']);
    expect(rig.shop.bySku('A1')!.stock).toBe(6);
  });
});
