import { manyOffers, offer } from '../../helpers/callback-bodies';
import { startFanoutRig, waitDelivered, type Rig } from '../../helpers/fanout-rig';

/** The path `npm start` runs: projection on its own thread and connection (npm test compiles its entry first). */
describe('fan-out with the projector on its own thread', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('projects on the thread and the shop converges to the newest figures, coalesced', async () => {
    const offers = manyOffers(30, ['main']);
    rig = await startFanoutRig({ projector: 'thread', skus: offers.map((o) => o.xmlId) });
    await rig.post(offers);
    for (const q of [7, 3, 9]) await rig.post([offer('SKU-1', { main: q })]);
    await waitDelivered(
      rig.hub,
      'shop',
      offers.map((o) => o.xmlId),
    );
    expect(rig.shop.bySku('SKU-1')!.warehouses![0].stock).toBe(9);
    expect(rig.shop.bySku('SKU-2')!.warehouses![0].stock).toBe(2);
    expect(await rig.hub.storage.stock.cursor()).toBe(await rig.hub.storage.callbackLog.latestSeq());
  });
});
