import { offer } from '../../helpers/callback-bodies';
import { waitDelivered } from '../../helpers/fanout-rig';
import { startTargetRig, type TargetRig } from '../../helpers/target-rig';
import { waitFor } from '../../helpers/test-config';
import { startFakeShopify, type FakeShopify } from '../../../src/demo/fakes/fake-shopify';

const TOKEN = 'shpat_SECRET_0000';
const L1 = 'gid://shopify/Location/1';
const L2 = 'gid://shopify/Location/2';

describe('delivery to a Shopify store over real sockets', () => {
  let shop: FakeShopify;
  let rig: TargetRig | undefined;
  const start = async (bucket?: { maximumAvailable: number; restoreRate: number; startAvailable?: number }) => {
    shop = await startFakeShopify({ accessToken: TOKEN, bucket });
  };
  const hub = async () => {
    rig = await startTargetRig({
      name: 'shopify',
      type: 'shopify',
      url: shop.url,
      accessToken: TOKEN,
      offerKey: 'xmlId',
      warehouses: { main: L1, north: '2' },
    });
  };
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await shop.close();
  });
  const item = (k: string) => rig!.hub.storage.deliveries.get('shopify', k);
  const bodies = () =>
    shop.requests.map((r) => JSON.parse(r.body) as { query: string; variables: Record<string, never> });

  it('a batch: inventorySetQuantities with name "available", per location, at most 250 quantities, an idempotency key', async () => {
    await start();
    const skus = Array.from({ length: 200 }, (_, i) => `V-${i}`);
    skus.forEach((s) => shop.addVariant(s));
    await hub();
    await rig!.post(skus.map((s, i) => offer(s, { main: i, north: 1 })));
    await waitDelivered(rig!.hub, 'shopify', skus);
    expect(shop.available('V-9', L1)).toBe(9);
    expect(shop.available('V-9', L2)).toBe(1);
    const sets = bodies().filter((b) => b.query.includes('inventorySetQuantities'));
    expect(sets.length).toBeLessThan(6);
    for (const s of sets) {
      const input = s.variables.input as { name: string; quantities: unknown[] };
      expect(input.name).toBe('available');
      expect(input.quantities.length).toBeLessThanOrEqual(250);
      expect(s.query).toContain('@idempotent(key: $key)');
      expect(String(s.variables.key)).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(sets.map((s) => s.variables.key)).size).toBe(sets.length);
    expect(shop.requests[0].path).toBe('/admin/api/2026-01/graphql.json');
  });

  it('userErrors are read per item: one not stocked at a location is dead with plain words; the others are set', async () => {
    await start();
    shop.addVariant('A');
    shop.addVariant('B', [L1]);
    await hub();
    await rig!.post([offer('A', { main: 1, north: 1 }), offer('B', { main: 2, north: 2 })]);
    await waitDelivered(rig!.hub, 'shopify', ['A']);
    await waitFor(async () => (await item('B'))?.dead, { what: 'dead letter' });
    expect((await item('B'))!.deadReason).toContain(
      `not stocked at the location. at ${L2} (ITEM_NOT_STOCKED_AT_LOCATION): activate the item at that location`,
    );
    expect(shop.available('A', L2)).toBe(1);
  });

  it('the trap: the cost budget is honoured: one THROTTLED answer, then calls wait for the bucket instead of retrying blindly', async () => {
    await start({ maximumAvailable: 20, restoreRate: 50, startAvailable: 0 });
    const skus = Array.from({ length: 6 }, (_, i) => `T-${i}`);
    skus.forEach((s) => shop.addVariant(s));
    await hub();
    for (const s of skus) await rig!.post([offer(s, { main: 3 })]);
    await waitDelivered(rig!.hub, 'shopify', skus);
    expect(shop.throttled).toBe(1);
    expect(shop.available('T-5', L1)).toBe(3);
  });

  it('an inventory item Shopify no longer knows is found again by SKU; a SKU gone for good is dead with Shopify’s words', async () => {
    await start();
    shop.addVariant('MOVED');
    shop.addVariant('GONE');
    await hub();
    await rig!.post([offer('MOVED', { main: 1 }), offer('GONE', { main: 1 }), offer('NEVER', { main: 1 })]);
    await waitDelivered(rig!.hub, 'shopify', ['MOVED', 'GONE']);
    await waitFor(async () => (await item('NEVER'))?.dead, { what: 'dead letter' });
    expect((await item('NEVER'))!.deadReason).toContain('no variant in the store has SKU "NEVER"');
    shop.removeVariant('MOVED');
    shop.addVariant('MOVED');
    shop.removeVariant('GONE');
    await rig!.post([offer('MOVED', { main: 2 }), offer('GONE', { main: 2 })]);
    await waitDelivered(rig!.hub, 'shopify', ['MOVED']);
    expect(shop.available('MOVED', L1)).toBe(2);
    await waitFor(async () => (await item('GONE'))?.dead, { what: 'dead letter' });
    expect((await item('GONE'))!.deadReason).toContain(
      'The specified inventory item could not be found. at gid://shopify/Location/1 (INVALID_INVENTORY_ITEM); looked up again: no variant',
    );
  });

  it('a store down and back gets one set per item with the newest figure (coalesced)', async () => {
    await start();
    shop.addVariant('A');
    shop.setFault('down');
    await hub();
    await rig!.post([offer('A', { main: 5 })]);
    await waitFor(() => shop.requests.length > 0, { what: 'a first attempt' });
    await rig!.post([offer('A', { main: 4 })]);
    await rig!.post([offer('A', { main: 3 })]);
    await rig!.hub.projector.idle();
    shop.heal();
    await waitDelivered(rig!.hub, 'shopify', ['A']);
    expect(shop.sets.map((s) => s.quantities.map((q) => q.quantity))).toEqual([[3]]);
  });
});
