import type { OpenStores } from '../../src/storage/stores';
import { useStores } from './use-stores';

export function locksConformance(driverName: string, openStores: OpenStores) {
  describe(`Locks conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('a named lease is exclusive until released or expired, and re-entrant for its owner', async () => {
      const l = s.stores.locks;
      expect(await l.acquire('sync:a', 'p1', 1000, 0)).toBe(true);
      expect(await l.acquire('sync:a', 'p2', 1000, 500)).toBe(false);
      expect(await l.acquire('sync:b', 'p2', 1000, 500)).toBe(true);
      expect(await l.acquire('sync:a', 'p1', 1000, 600)).toBe(true);
      expect(await l.acquire('sync:a', 'p2', 1000, 1500)).toBe(false);
      expect(await l.acquire('sync:a', 'p2', 1000, 1700)).toBe(true);
      await l.release('sync:a', 'p1');
      expect(await l.acquire('sync:a', 'p3', 1000, 1800)).toBe(false);
      await l.release('sync:a', 'p2');
      expect(await l.acquire('sync:a', 'p3', 1000, 1800)).toBe(true);
    });
  });
}
