import { offer } from '../../helpers/callback-bodies';
import { waitDelivered } from '../../helpers/fanout-rig';
import { startTargetRig, type TargetRig } from '../../helpers/target-rig';
import { waitFor } from '../../helpers/test-config';
import { startFakeWooCommerce, type FakeWooCommerce } from '../../../src/demo/fakes/fake-woocommerce';

const KEY = 'ck_SECRET_woo_1111';
const SECRET = 'cs_SECRET_woo_2222';

describe('delivery to a WooCommerce shop over real sockets', () => {
  let shop: FakeWooCommerce;
  let rig: TargetRig | undefined;
  beforeEach(async () => {
    shop = await startFakeWooCommerce({ consumerKey: KEY, consumerSecret: SECRET });
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await shop.close();
  });
  const start = (extra: Record<string, unknown> = {}) =>
    startTargetRig({
      name: 'woo',
      type: 'woocommerce',
      url: shop.url,
      consumerKey: KEY,
      consumerSecret: SECRET,
      offerKey: 'xmlId',
      warehouses: ['main', 'north'],
      ...extra,
    });
  const item = (sku: string) => rig!.hub.storage.deliveries.get('woo', sku);
  const batchBodies = () =>
    shop.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/batch'))
      .map((r) => JSON.parse(r.body) as { update: Array<Record<string, unknown>> });

  it('a batch: products and variations found by SKU in bulk, written in batches of at most 100, summed stock', async () => {
    const parent = shop.addProduct('TEE', { type: 'variable' });
    for (let i = 0; i < 140; i++) shop.addProduct(`P-${i}`);
    for (let i = 0; i < 10; i++) shop.addVariation(parent.id, `TEE-${i}`);
    rig = await start();
    const skus = [
      ...Array.from({ length: 140 }, (_, i) => `P-${i}`),
      ...Array.from({ length: 10 }, (_, i) => `TEE-${i}`),
    ];
    await rig.post(skus.map((s, i) => offer(s, { main: i % 7, north: 1, elsewhere: 50 })));
    await waitDelivered(rig.hub, 'woo', skus);
    skus.forEach((s, i) =>
      expect(shop.bySku(s)).toMatchObject({ stock_quantity: (i % 7) + 1, manage_stock: true, stock_status: 'instock' }),
    );
    const bodies = batchBodies();
    expect(Math.max(...bodies.map((b) => b.update.length))).toBeLessThanOrEqual(100);
    // One request per up-to-100 items and route, not one per item.
    expect(bodies.length).toBeLessThan(10);
    expect(shop.requests.some((r) => r.path === `/wp-json/wc/v3/products/${parent.id}/variations/batch`)).toBe(true);
    const lookups = shop.requests.filter((r) => r.method === 'GET');
    expect(lookups.length).toBeLessThan(10);
    expect(lookups[0].query.get('sku')!.split(',').length).toBeGreaterThan(1);
  });

  it('the trap: a product with stock management off keeps the quantity, because manage_stock: true always goes with it', async () => {
    shop.addProduct('OFF', { manage_stock: false, stock_quantity: null });
    rig = await start();
    await rig.post([offer('OFF', { main: 0 })]);
    await waitDelivered(rig.hub, 'woo', ['OFF']);
    expect(shop.bySku('OFF')).toMatchObject({ manage_stock: true, stock_quantity: 0, stock_status: 'outofstock' });
    for (const b of batchBodies())
      for (const u of b.update) {
        expect(u).toMatchObject({ manage_stock: true });
        expect(u).not.toHaveProperty('inventory_delta');
      }
    // What the fake models (WooCommerce's own rule): the quantity alone, on a product not managing stock, is wiped.
    const p = shop.addProduct('PLAIN', { manage_stock: false, stock_quantity: 4 });
    const res = await fetch(`${shop.url}/wp-json/wc/v3/products/batch`, {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`${KEY}:${SECRET}`).toString('base64'),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ update: [{ id: p.id, stock_quantity: 9 }] }),
    });
    expect(res.status).toBe(200);
    expect(shop.bySku('PLAIN')!.stock_quantity).toBeNull();
  });

  it('a per-item error inside a 200 settles that item only: a refused one is dead with the shop message, a 500 one retried', async () => {
    for (const s of ['OK', 'BAD', 'FLAKY']) shop.addProduct(s);
    shop.itemError('BAD', {
      code: 'woocommerce_rest_invalid_product',
      message: 'Product is locked by an editor.',
      status: 400,
    });
    shop.itemError('FLAKY', { code: 'db_error', message: 'Deadlock found', status: 500 });
    rig = await start();
    await rig.post([offer('OK', { main: 1 }), offer('BAD', { main: 2 }), offer('FLAKY', { main: 3 })]);
    await waitDelivered(rig.hub, 'woo', ['OK', 'FLAKY']);
    await waitFor(async () => (await item('BAD'))?.dead, { what: 'dead letter' });
    expect((await item('BAD'))!.deadReason).toContain(
      'Product is locked by an editor. (woocommerce_rest_invalid_product)',
    );
    expect((await item('FLAKY'))!.attempts).toBeGreaterThanOrEqual(0);
    expect(shop.bySku('OK')!.stock_quantity).toBe(1);
    expect(shop.bySku('FLAKY')!.stock_quantity).toBe(3);
    // The first send carried all three items in one request.
    expect(batchBodies()[0].update).toHaveLength(3);
  });

  it('a throttle answer (429 with Retry-After) is retried, and then delivered', async () => {
    shop.addProduct('A');
    shop.fail(2, { status: 429, retryAfter: '0.2' });
    rig = await start();
    await rig.post([offer('A', { main: 5 })]);
    await waitDelivered(rig.hub, 'woo', ['A']);
    expect(shop.bySku('A')!.stock_quantity).toBe(5);
    expect(shop.requests.length).toBeGreaterThanOrEqual(3);
  });

  it('an id the shop no longer knows is looked up again; an SKU gone for good is dead-lettered with the shop message', async () => {
    const first = shop.addProduct('MOVED');
    shop.addProduct('GONE');
    rig = await start();
    await rig.post([offer('MOVED', { main: 1 }), offer('GONE', { main: 1 }), offer('NEVER', { main: 1 })]);
    await waitDelivered(rig.hub, 'woo', ['MOVED', 'GONE']);
    await waitFor(async () => (await item('NEVER'))?.dead, { what: 'dead letter' });
    expect((await item('NEVER'))!.deadReason).toContain('no product or variation in the shop has SKU "NEVER"');
    // The product is made again with a new id; the other is deleted.
    shop.remove('MOVED');
    const again = shop.addProduct('MOVED');
    expect(again.id).not.toBe(first.id);
    shop.remove('GONE');
    await rig.post([offer('MOVED', { main: 2 }), offer('GONE', { main: 2 })]);
    await waitDelivered(rig.hub, 'woo', ['MOVED']);
    expect(shop.bySku('MOVED')!.stock_quantity).toBe(2);
    await waitFor(async () => (await item('GONE'))?.dead, { what: 'dead letter' });
    expect((await item('GONE'))!.deadReason).toMatch(
      /Invalid ID\. \(woocommerce_rest_product_invalid_id\); product \d+ is gone/,
    );
  });

  it('a shop down and back gets one write per item with the newest figure (coalesced)', async () => {
    shop.addProduct('A');
    shop.setFault('down');
    rig = await start();
    await rig.post([offer('A', { main: 5 })]);
    await waitFor(() => shop.requests.length > 0, { what: 'a first attempt' });
    await rig.post([offer('A', { main: 4 })]);
    await rig.post([offer('A', { main: 3 })]);
    await rig.hub.projector.idle();
    shop.heal();
    await waitDelivered(rig.hub, 'woo', ['A']);
    expect(shop.writes.filter((w) => w.sku === 'A').map((w) => w.body.stock_quantity)).toEqual([3]);
  });

  it('bad keys pause the target with the fields to check', async () => {
    shop.addProduct('A');
    rig = await start({ consumerSecret: 'cs_wrong' });
    await rig.post([offer('A', { main: 5 })]);
    await waitFor(async () => (await rig!.hub.storage.hubState.getTarget('woo')).paused, { what: 'pause' });
    const t = await rig.hub.storage.hubState.getTarget('woo');
    expect(JSON.stringify(t)).toContain('consumerKey and consumerSecret');
    expect(JSON.stringify(t)).not.toContain('cs_wrong');
  });

  it('the admin API and the SKU view show the target’s own identifiers and per-item errors in plain words', async () => {
    const p = shop.addProduct('SEEN');
    shop.addProduct('LOCKED');
    shop.itemError('LOCKED', { code: 'woocommerce_rest_invalid_product', message: 'Product is locked.', status: 400 });
    rig = await start();
    await rig.post([offer('SEEN', { main: 1 }), offer('LOCKED', { main: 1 })]);
    await waitDelivered(rig.hub, 'woo', ['SEEN']);
    await waitFor(async () => (await item('LOCKED'))?.dead, { what: 'dead letter' });
    const [t] = await rig.hub.admin.listTargets();
    expect(t).toMatchObject({
      typeLabel: 'WooCommerce',
      maxBatch: 100,
      locations: 'summed',
      warehouses: { main: 'main', north: 'north' },
    });
    expect(t.identifiedBy).toContain('SKU');
    const seen = (await rig.hub.admin.findItem('SEEN')).targets[0];
    expect(seen).toMatchObject({ type: 'woocommerce', shopId: `product ${p.id}`, upToDate: true });
    const locked = (await rig.hub.admin.findItem('LOCKED')).targets[0];
    expect(locked.deadReason).toContain('Product is locked. (woocommerce_rest_invalid_product)');
  });
});
