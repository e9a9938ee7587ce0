import { startFanoutRig, type Rig } from '../../helpers/fanout-rig';
import { waitFor } from '../../helpers/test-config';

describe('an item the worker cannot resolve goes to the dead letters with its reason instead of cycling', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('no CRM figures for the item (marked due by hand): dead, the shop never called', async () => {
    rig = await startFanoutRig({ skus: ['NOSTATE'] });
    await rig.hub.storage.deliveries.markDue('shop', ['NOSTATE'], Date.now());
    await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', 'NOSTATE'))?.dead, { what: 'dead letter' });
    expect((await rig.hub.storage.deliveries.get('shop', 'NOSTATE'))!.deadReason).toBe(
      'no CRM figures for this item in the warehouses the target maps',
    );
    expect((await rig.hub.storage.deliveries.stats('shop')).backlog).toBe(0);
    expect(rig.shop.requests).toHaveLength(0);
  });

  it('an identifier with U+FFFD (what 0.1.0 stored for a lone surrogate) is sent once, then dead on 404', async () => {
    rig = await startFanoutRig();
    const odd = 'SKU \ufffd z';
    const stock = rig.hub.storage.stock;
    const cursor = await stock.cursor();
    await stock.apply(
      {
        fromCursor: cursor,
        toCursor: cursor,
        figures: [{ offerKey: 'xmlId', offer: odd, warehouse: 'main', quantity: 1, version: 1 }],
        due: [{ target: 'shop', item: odd, version: 1, priority: 2 }],
        unmapped: [],
      },
      Date.now(),
    );
    await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', odd))?.dead, { what: 'dead letter' });
    const item = (await rig.hub.storage.deliveries.get('shop', odd))!;
    expect(item.deadReason).toContain('the shop has no item');
    expect(item.attempts).toBe(1);
    expect(rig.shop.requests).toHaveLength(1);
  });

  it('a version set by a warehouse the target no longer maps: delivered once, not due again', async () => {
    rig = await startFanoutRig({ skus: ['REMAP'] });
    const stock = rig.hub.storage.stock;
    const cursor = await stock.cursor();
    // As after a config change: the item's newest version came from a warehouse ('gone') the target stopped mapping.
    await stock.apply(
      {
        fromCursor: cursor,
        toCursor: cursor,
        figures: [
          { offerKey: 'xmlId', offer: 'REMAP', warehouse: 'main', quantity: 4, version: 1 },
          { offerKey: 'xmlId', offer: 'REMAP', warehouse: 'gone', quantity: 9, version: 5 },
        ],
        due: [{ target: 'shop', item: 'REMAP', version: 5, priority: 2 }],
        unmapped: [],
      },
      Date.now(),
    );
    await waitFor(
      async () => {
        const i = await rig.hub.storage.deliveries.get('shop', 'REMAP');
        return i !== undefined && i.deliveredVersion >= 5 && i.dueAt === null;
      },
      { what: 'delivered and no longer due' },
    );
    expect(rig.shop.writes.filter((w) => w.sku === 'REMAP')).toHaveLength(1);
    expect(rig.shop.bySku('REMAP')!.warehouses![0].stock).toBe(4);
  });

  it('a stored callback with one identifier intake now refuses: the rest is delivered, that item dead-lettered', async () => {
    rig = await startFanoutRig({ skus: ['GOOD-1'] });
    // Written as release 0.1.0 accepted it (before `..` was refused at intake), straight into the callback log.
    const offers = [
      { xmlId: 'GOOD-1', stores: [{ code: 'main', available: 3 }] },
      { xmlId: '..', stores: [{ code: 'main', available: 9 }] },
    ];
    await rig.hub.storage.callbackLog.append([
      { receivedAt: Date.now(), contentHash: 'old', offersJson: JSON.stringify(offers) },
    ]);
    rig.hub.projector.kick();
    await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', '..'))?.dead, { what: 'dead letter' });
    await waitFor(() => rig.shop.bySku('GOOD-1')?.warehouses?.[0]?.stock === 3, { what: 'GOOD-1 delivered' });
    expect((await rig.hub.storage.deliveries.get('shop', '..'))!.deadReason).toContain(
      'cannot be sent as one URL path segment',
    );
    expect(rig.shop.requests.every((r) => !r.path.endsWith('/inventory/sku/') && r.path !== '/api/v2/inventory/')).toBe(
      true,
    );
  });
});
