import { offer } from '../../helpers/callback-bodies';
import { waitDelivered } from '../../helpers/fanout-rig';
import { startTargetRig, type TargetRig } from '../../helpers/target-rig';
import { waitFor } from '../../helpers/test-config';
import { startFakeOzon, type FakeOzon } from '../../../src/demo/fakes/fake-ozon';

const CLIENT = 'ozon-client-SECRET-1';
const KEY = 'ozon-key-SECRET-2';
const WH1 = 22142605386000;
const WH2 = 22142605387000;

describe('delivery to Ozon over real sockets', () => {
  let ozon: FakeOzon;
  let rig: TargetRig | undefined;
  const start = async (interval: number, extra: Record<string, unknown> = {}) => {
    ozon = await startFakeOzon({ clientId: CLIENT, apiKey: KEY, pairIntervalMs: interval });
    rig = await startTargetRig({
      name: 'ozon',
      type: 'ozon',
      url: ozon.url,
      clientId: CLIENT,
      apiKey: KEY,
      offerKey: 'xmlId',
      warehouses: { main: String(WH1), north: String(WH2) },
      pairIntervalSeconds: interval / 1000,
      ...extra,
    });
  };
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await ozon.close();
  });
  const item = (k: string) => rig!.hub.storage.deliveries.get('ozon', k);
  const bodies = () => ozon.requests.map((r) => JSON.parse(r.body) as { stocks: Array<Record<string, unknown>> });

  it('a batch: item-warehouse pairs, at most 100 per request, offer_id only', async () => {
    await start(0);
    const skus = Array.from({ length: 120 }, (_, i) => `OF-${i}`);
    skus.forEach((s) => ozon.addOffer(s));
    await rig!.post(skus.map((s, i) => offer(s, { main: i, north: 2 })));
    await waitDelivered(rig!.hub, 'ozon', skus);
    expect(ozon.stock.get('OF-7')).toEqual(
      new Map([
        [WH1, 7],
        [WH2, 2],
      ]),
    );
    expect(Math.max(...bodies().map((b) => b.stocks.length))).toBeLessThanOrEqual(100);
    expect(bodies().length).toBeLessThan(6);
    expect(bodies()[0].stocks[0]).not.toHaveProperty('product_id');
  });

  it('a per-item error inside a 200: a wrong warehouse is dead with Ozon’s words; the other items are delivered', async () => {
    await start(0, { warehouses: { main: String(WH1), north: '1' } });
    ozon.addOffer('A');
    ozon.addOffer('B');
    await rig!.post([offer('A', { main: 1 }), offer('B', { main: 2, north: 3 })]);
    await waitDelivered(rig!.hub, 'ozon', ['A']);
    await waitFor(async () => (await item('B'))?.dead, { what: 'dead letter' });
    expect((await item('B'))!.deadReason).toContain('warehouse 1: warehouse has wrong id: 1 (WAREHOUSE_NOT_FOUND)');
    expect(ozon.stock.get('A')!.get(WH1)).toBe(1);
  });

  it('a throttle answer (429, code 8) is retried, then delivered', async () => {
    await start(0);
    ozon.addOffer('A');
    ozon.fail(2, { status: 429, retryAfter: '0.2' });
    await rig!.post([offer('A', { main: 4 })]);
    await waitDelivered(rig!.hub, 'ozon', ['A']);
    expect(ozon.stock.get('A')!.get(WH1)).toBe(4);
  });

  it('an offer Ozon does not know is dead-lettered with its message', async () => {
    await start(0);
    await rig!.post([offer('UNKNOWN', { main: 4 })]);
    await waitFor(async () => (await item('UNKNOWN'))?.dead, { what: 'dead letter' });
    expect((await item('UNKNOWN'))!.deadReason).toContain('product not found by offer_id UNKNOWN (NOT_FOUND)');
  });

  it('Ozon down and back: one write per pair with the newest figure (coalesced)', async () => {
    await start(0);
    ozon.addOffer('A');
    ozon.setFault('down');
    await rig!.post([offer('A', { main: 5 })]);
    await waitFor(() => ozon.requests.length > 0, { what: 'a first attempt' });
    await rig!.post([offer('A', { main: 4 })]);
    await rig!.post([offer('A', { main: 3 })]);
    await rig!.hub.projector.idle();
    ozon.heal();
    await waitDelivered(rig!.hub, 'ozon', ['A']);
    expect(ozon.writes.map((w) => w.stock)).toEqual([3]);
  });

  it('the trap: a pair written again within its interval waits, and only the newest figure goes out then', async () => {
    await start(1500);
    ozon.addOffer('A');
    ozon.addOffer('B');
    await rig!.post([offer('A', { main: 5 })]);
    await waitDelivered(rig!.hub, 'ozon', ['A']);
    // Inside A's interval: held back by the worker (not sent to be refused), coalescing what arrives meanwhile.
    await rig!.post([offer('A', { main: 4 }), offer('B', { main: 1 })]);
    await rig!.post([offer('A', { main: 3 })]);
    await waitDelivered(rig!.hub, 'ozon', ['A', 'B']);
    expect(ozon.writes.filter((w) => w.offer_id === 'A').map((w) => w.stock)).toEqual([5, 3]);
    expect(ozon.tooSoon).toBe(0);
    // A pair the hub did not write itself (another tool, or before a restart) is refused per item and retried after
    // the interval; the other item of the same request is delivered at once.
    ozon.touch('B', WH1);
    await rig!.post([offer('B', { main: 2 })]);
    await waitDelivered(rig!.hub, 'ozon', ['B']);
    expect(ozon.tooSoon).toBeGreaterThanOrEqual(1);
    expect(ozon.stock.get('B')!.get(WH1)).toBe(2);
  });
});
