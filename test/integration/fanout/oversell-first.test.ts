import { offer } from '../../helpers/callback-bodies';
import { startFanoutRig, waitDelivered, type Rig } from '../../helpers/fanout-rig';
import { waitFor } from '../../helpers/test-config';

const skus = Array.from({ length: 40 }, (_, i) => `S-${String(i).padStart(2, '0')}`);

describe('a backlog drains what can oversell first', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('to zero, then decreases, then never delivered, then the rest oldest first', async () => {
    rig = await startFanoutRig({ skus: [...skus, 'NEW'], target: { concurrency: 1 } });
    await rig.post(skus.map((s) => offer(s, { main: 10 })));
    await waitDelivered(rig.hub, 'shop', skus);
    await rig.hub.admin.pause('shop', 'test: build a backlog');
    await rig.post(skus.map((s) => offer(s, { main: 20 }))); // increases: "other"
    await rig.post([offer('S-30', { main: 3 }), offer('NEW', { main: 1 })]); // a decrease, a never delivered
    await rig.post([offer('S-31', { main: 0 })]); // to zero, the newest of all
    await rig.hub.projector.idle();
    const before = rig.shop.writes.length;
    await rig.hub.admin.resume('shop');
    await waitDelivered(rig.hub, 'shop', [...skus, 'NEW']);
    const order = rig.shop.writes.slice(before).map((w) => w.sku);
    expect(order.slice(0, 3)).toEqual(['S-31', 'S-30', 'NEW']);
    // The rest in the order they became due (all in one callback: by item within it).
    expect(order.slice(3)).toEqual(skus.filter((s) => s !== 'S-30' && s !== 'S-31'));
    await waitFor(() => rig.shop.bySku('S-31')!.warehouses![0].stock === 0, { what: 'S-31 at 0' });
  });
});
