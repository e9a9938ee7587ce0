import type { OpenStores } from '../../src/storage/stores';
import { useStores } from './use-stores';

const notice = (over: Record<string, unknown> = {}) => ({
  account: 'acme',
  problem: 'shop-paused:shop',
  day: '2026-12-03',
  message: 'm',
  at: 1000,
  ...over,
});

export function noticesConformance(driverName: string, openStores: OpenStores) {
  describe(`Notices conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('one claim per account, problem and day; settled and listed newest first, per account', async () => {
      const n = s.stores.notices;
      expect(await n.claim(notice())).toBe(true);
      expect(await n.claim(notice({ at: 2000 }))).toBe(false);
      expect(await n.claim(notice({ account: 'beta' }))).toBe(true);
      expect(await n.claim(notice({ problem: 'dead-letters:shop', at: 1500 }))).toBe(true);
      expect(await n.claim(notice({ day: '2026-12-04', at: 3000 }))).toBe(true);
      await n.settle('acme', 'shop-paused:shop', '2026-12-03', 'sent');
      const list = await n.list('acme', 10);
      expect(list.map((x) => [x.day, x.problem, x.outcome])).toEqual([
        ['2026-12-04', 'shop-paused:shop', 'sending'],
        ['2026-12-03', 'dead-letters:shop', 'sending'],
        ['2026-12-03', 'shop-paused:shop', 'sent'],
      ]);
      expect(await n.list('acme', 1)).toHaveLength(1);
      expect((await n.list('beta', 10)).map((x) => x.account)).toEqual(['beta']);
    });

    it('concurrent claims of one notice: exactly one wins', async () => {
      const wins = await Promise.all(Array.from({ length: 6 }, () => s.stores.notices.claim(notice())));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });
  });
}
