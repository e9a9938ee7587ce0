import type { OpenStores } from '../../src/storage/stores';
import { callback, useStores } from './use-stores';

/** CallbackLog contract; run by every driver as `callbackLogConformance('name', openStores)`. */
export function callbackLogConformance(driverName: string, openStores: OpenStores) {
  describe(`CallbackLog conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('numbers appended callbacks from one increasing sequence, in one batch', async () => {
      const a = await s.stores.callbackLog.append([callback(), callback()]);
      const b = await s.stores.callbackLog.append([callback()]);
      expect(a[1]).toBeGreaterThan(a[0]);
      expect(b[0]).toBeGreaterThan(a[1]);
      expect(await s.stores.callbackLog.latestSeq()).toBe(b[0]);
      expect(await s.stores.callbackLog.count()).toBe(3);
    });

    it('reads records back after a sequence number, in order, with their offers parsed', async () => {
      const [s1, s2] = await s.stores.callbackLog.append([callback([1]), callback([2])]);
      const recs = await s.stores.callbackLog.readAfter(s1, 10);
      expect(recs.map((r) => [r.seq, r.offers])).toEqual([[s2, [2]]]);
      expect(await s.stores.callbackLog.readAfter(0, 1)).toHaveLength(1);
    });

    it('keeps what it appended across a restart', async () => {
      const [seq] = await s.stores.callbackLog.append([callback([7])]);
      const again = await s.restart();
      expect(await again.callbackLog.latestSeq()).toBe(seq);
      const [next] = await again.callbackLog.append([callback()]);
      expect(next).toBeGreaterThan(seq);
    });

    it('prunes only old callbacks the projector has passed', async () => {
      const log = s.stores.callbackLog;
      const [a] = await log.append([{ ...callback(), receivedAt: 10 }]);
      await log.append([{ ...callback(), receivedAt: 10 }]);
      expect(await log.prune(100, 10)).toBe(0);
      const r = await s.stores.stock.apply({ fromCursor: 0, toCursor: a, figures: [], due: [], unmapped: [] }, 1);
      expect(r.applied).toBe(true);
      expect(await log.prune(5, 10)).toBe(0);
      expect(await log.prune(100, 10)).toBe(1);
      expect(await log.count()).toBe(1);
    });
  });
}
