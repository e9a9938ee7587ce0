import type { NewShipment, OpenStores } from '../../src/storage/stores';
import { useStores } from './use-stores';

/** A shipment report for order `ref` (shared with the multi-instance suite). */
export const ship = (id: string, ref: string): NewShipment => ({
  id,
  by: 'externalId',
  ref,
  site: 's',
  report: { shipped: true, shipmentStore: 'w', shipmentDate: '2024-05-31' },
});

export function shipmentStoreConformance(driverName: string, openStores: OpenStores) {
  describe(`ShipmentStore conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('stores reports with an idempotency key once; another body under the same key is a conflict', async () => {
      const sh = s.stores.shipments;
      const idem = { key: 'k', bodyHash: 'h1' };
      expect(await sh.create([ship('a', 'o1')], idem, 1)).toEqual({ ids: ['a'], created: true });
      expect(await sh.create([ship('b', 'o1')], idem, 2)).toEqual({ ids: ['a'], created: false });
      expect(await sh.create([ship('c', 'o1')], { key: 'k', bodyHash: 'h2' }, 3)).toEqual({ conflict: true });
      expect(await sh.get('b')).toBeUndefined();
      expect(await sh.get('a')).toMatchObject({ status: 'pending', attempts: 0, ref: 'o1' });
    });

    it("one order's reports go one at a time in arrival order; other orders in parallel", async () => {
      const sh = s.stores.shipments;
      await sh.create([ship('a1', 'o1'), ship('a2', 'o1'), ship('b1', 'o2')], null, 1);
      const first = await sh.claim(10, 1, 1000, 'p');
      expect(first.map((x) => x.id).sort()).toEqual(['a1', 'b1']);
      const a1 = first.find((x) => x.id === 'a1')!;
      expect(await sh.markDelivered('a1', a1.token, { id: 7 }, 200, 2)).toBe(true);
      expect((await sh.claim(10, 3, 1000, 'p')).map((x) => x.id)).toEqual(['a2']);
    });

    it("takes reports in turns across accounts: one account's backlog never holds another's report behind it", async () => {
      const sh = s.stores.shipments;
      const of = (account: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({ ...ship(`${account}-${i}`, `${account}-o${i}`), account }));
      // A's backlog arrived first; B's and C's one report each after it.
      await sh.create(of('a', 50), null, 1);
      await sh.create(of('b', 1), null, 2);
      await sh.create(of('c', 2), null, 3);
      const first = (await sh.claim(4, 10, 1000, 'p')).map((x) => x.id);
      expect(first).toEqual(['a-0', 'b-0', 'c-0', 'a-1']);
      // The next claim starts after the account served last: c's second report comes before more of a's.
      const second = (await sh.claim(2, 10, 1000, 'p')).map((x) => x.id);
      expect(second).toEqual(['c-1', 'a-2']);
      const rest = await sh.claim(100, 10, 1000, 'p');
      expect(rest.map((x) => x.id)).toEqual(Array.from({ length: 47 }, (_, i) => `a-${i + 3}`));
    });

    it('fences a stale claim and renews a live one', async () => {
      const sh = s.stores.shipments;
      await sh.create([ship('a', 'o1'), ship('b', 'o1')], null, 1);
      const [old] = await sh.claim(1, 1, 100, 'p1');
      const [cur] = await sh.claim(1, 200, 100, 'p2');
      expect(cur.id).toBe('a');
      expect(cur.token).toBeGreaterThan(old.token);
      expect(await sh.renew('a', old.token, 9999)).toBe(false);
      expect(await sh.markDelivered('a', old.token, { id: 1 }, 200, 201)).toBe(false);
      expect(await sh.markRetry('a', old.token, 500, { errorMsg: 'x' }, 503, 201)).toBe(false);
      expect(await sh.markFailed('a', old.token, { errorMsg: 'x' }, 400, 201)).toBe(false);
      expect(await sh.renew('a', cur.token, 1000)).toBe(true);
      expect(await sh.claim(1, 400, 100, 'p3')).toEqual([]);
      expect(await sh.markRetry('a', cur.token, 1500, { errorMsg: 'busy' }, 503, 401)).toBe(true);
      expect(await sh.get('a')).toMatchObject({ status: 'pending', attempts: 1, firstFailedAt: 401, lastStatus: 503 });
      // b still waits behind a
      expect(await sh.claim(5, 1000, 100, 'p')).toEqual([]);
    });

    // Driver drift pinned (0.2 SQLite and PostgreSQL disagreed on each of these).
    it('the next time to look is the head of each stream: a report waiting behind a retrying one has none', async () => {
      const sh = s.stores.shipments;
      await sh.create([ship('a', 'o1'), ship('b', 'o1')], null, 10);
      const [a] = await sh.claim(5, 10, 100, 'p');
      expect(await sh.markRetry('a', a.token, 5000, { errorMsg: 'busy' }, 503, 11)).toBe(true);
      expect(await sh.nextAt()).toBe(5000);
    });

    it('a renewal needs a live claim of a pending report', async () => {
      const sh = s.stores.shipments;
      await sh.create([ship('a', 'o1')], null, 1);
      const [c] = await sh.claim(1, 1, 100, 'p');
      expect(await sh.markDelivered('a', c.token, { id: 1 }, 200, 2)).toBe(true);
      expect(await sh.renew('a', c.token, 999)).toBe(false);
    });

    it('lists reports newest first, ties by arrival (newest first)', async () => {
      const sh = s.stores.shipments;
      await sh.create([ship('a', 'o1'), ship('b', 'o2'), ship('c', 'o3')], null, 1);
      for (const c of await sh.claim(5, 1, 100, 'p')) await sh.markFailed(c.id, c.token, { errorMsg: 'x' }, 400, 7);
      expect((await sh.list('failed', 10)).map((x) => x.id)).toEqual(['c', 'b', 'a']);
    });

    it('failed reports are listed and can be retried', async () => {
      const sh = s.stores.shipments;
      await sh.create([ship('a', 'o1')], null, 1);
      const [c] = await sh.claim(1, 1, 100, 'p');
      await sh.markFailed('a', c.token, { errorMsg: 'bad' }, 400, 2);
      expect((await sh.list('failed', 10)).map((x) => x.id)).toEqual(['a']);
      expect(await sh.retry(null, 3)).toBe(1);
      expect(await sh.get('a')).toMatchObject({ status: 'pending', attempts: 0, firstFailedAt: null });
    });
  });
}
