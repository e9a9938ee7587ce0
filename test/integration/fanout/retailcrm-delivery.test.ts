import { offer } from '../../helpers/callback-bodies';
import { waitDelivered } from '../../helpers/fanout-rig';
import { startTargetRig, type TargetRig } from '../../helpers/target-rig';
import { rawConfig, waitFor } from '../../helpers/test-config';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { parseConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/config/config-error';

const KEY = 'other-crm-key-SECRET-7777';

describe('delivery to another RetailCRM account over real sockets', () => {
  let crm: FakeCrm;
  let rig: TargetRig | undefined;
  beforeEach(async () => {
    crm = await startFakeCrm({ apiKey: KEY });
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await crm.close();
  });
  const target = (extra: Record<string, unknown> = {}) => ({
    name: 'mirror',
    type: 'retailcrm',
    url: crm.url,
    apiKey: KEY,
    site: 'second-shop',
    offerKey: 'externalId',
    warehouses: { main: 'wh-main', north: 'wh-north' },
    ...extra,
  });
  const start = (extra: Record<string, unknown> = {}) => startTargetRig(target(extra));
  const item = (key: string) => rig!.hub.storage.deliveries.get('mirror', key);

  it('a batch: 300 offers go in uploads of at most 250, mapped to that CRM’s store codes, with the site', async () => {
    rig = await start();
    const offers = Array.from({ length: 300 }, (_, i) => offer(`O-${i}`, { main: i % 9, north: 1 }));
    await rig.post(offers);
    await waitDelivered(
      rig.hub,
      'mirror',
      offers.map((o) => o.externalId),
    );
    expect(Math.max(...crm.uploads.map((u) => u.offers.length))).toBeLessThanOrEqual(250);
    expect(crm.uploads.length).toBeLessThan(6);
    expect(crm.uploads.every((u) => u.site === 'second-shop')).toBe(true);
    expect(crm.stock.get('ext-O-5')).toEqual(
      new Map([
        ['wh-main', 5],
        ['wh-north', 1],
      ]),
    );
    expect(crm.requests[0].headers['x-api-key']).toBe(KEY);
  });

  it('notFoundOffers inside a 200 dead-letter those offers only, with the CRM’s words', async () => {
    for (const k of ['ext-A', 'ext-B']) crm.offers.set(k, { id: 1, externalId: k, site: 'second-shop' });
    rig = await start();
    await rig.post([offer('A', { main: 1 }), offer('B', { main: 2 }), offer('NOPE', { main: 3 })]);
    await waitDelivered(rig.hub, 'mirror', ['ext-A', 'ext-B']);
    await waitFor(async () => (await item('ext-NOPE'))?.dead, { what: 'dead letter' });
    expect((await item('ext-NOPE'))!.deadReason).toContain(
      'the CRM has no offer with externalId "ext-NOPE" (notFoundOffers)',
    );
    expect(crm.uploads[0].offers).toHaveLength(3);
  });

  it('a throttle answer (503 with Retry-After) is retried, then delivered', async () => {
    crm.fail(4, { type: 'status', status: 503, retryAfter: '0.1' });
    rig = await start();
    await rig.post([offer('A', { main: 4 })]);
    await waitDelivered(rig.hub, 'mirror', ['ext-A']);
    expect(crm.stock.get('ext-A')!.get('wh-main')).toBe(4);
  });

  it('a CRM down and back gets one upload per offer with the newest figure (coalesced)', async () => {
    crm.fail(1_000_000, { type: 'status', status: 502 });
    rig = await start();
    await rig.post([offer('A', { main: 5 })]);
    await waitFor(() => crm.requests.length > 0, { what: 'a first attempt' });
    await rig.post([offer('A', { main: 4 })]);
    await rig.post([offer('A', { main: 3 })]);
    await rig.hub.projector.idle();
    crm.heal();
    await waitDelivered(rig.hub, 'mirror', ['ext-A']);
    expect(
      crm.uploads.map((u) => u.offers.map((o) => (o.stores as Array<{ available: number }>)[0].available)),
    ).toEqual([[3]]);
  });

  it('the trap: a target on the account the stock comes from, into the same warehouse, is refused at start-up', () => {
    const looped = rawConfig({
      crm: { url: 'https://shop.retailcrm.ru', apiKey: 'k', clientId: 'c', site: 'main-shop' },
      targets: [{ ...target(), url: 'https://SHOP.retailcrm.ru/', warehouses: { main: 'main', north: 'wh-2' } }],
    });
    let err: unknown;
    try {
      parseConfig(looped, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).describe()).toMatch(/targets\[0\]\.warehouses: .*same warehouse\(s\) main: a loop/);
    // The same account into other warehouses (another site's stock, say) is not a loop.
    const other = rawConfig({
      crm: { url: 'https://shop.retailcrm.ru', apiKey: 'k', clientId: 'c', site: 'main-shop' },
      targets: [{ ...target(), url: 'https://shop.retailcrm.ru', warehouses: { main: 'main-mirror' } }],
    });
    expect(() => parseConfig(other, {})).not.toThrow();
  });
});
