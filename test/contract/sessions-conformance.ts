import type { OpenStores, SessionRow } from '../../src/storage/stores';
import { useStores } from './use-stores';

const row = (over: Partial<SessionRow> = {}): SessionRow => ({
  kind: 'merchant',
  account: 'acme',
  csrf: 'csrf-1',
  createdAt: 1000,
  expiresAt: 2000,
  ...over,
});

export function sessionsConformance(driverName: string, openStores: OpenStores) {
  describe(`Sessions conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('a session is found by its hash until it expires; extending slides it, never shortens it', async () => {
      const x = s.stores.sessions;
      await x.create('h1', row(), 1000);
      expect(await x.get('h1', 1999)).toEqual(row());
      expect(await x.get('h1', 2000)).toBeUndefined();
      expect(await x.get('other', 1500)).toBeUndefined();
      await x.extend('h1', 5000);
      expect((await x.get('h1', 4999))?.expiresAt).toBe(5000);
      await x.extend('h1', 3000);
      expect((await x.get('h1', 4999))?.expiresAt).toBe(5000);
    });

    it('a session outlives the connection that made it (a restart, another instance)', async () => {
      await s.stores.sessions.create('h1', row({ kind: 'dashboard', account: null }), 1000);
      const other = await s.restart();
      expect(await other.sessions.get('h1', 1500)).toEqual(row({ kind: 'dashboard', account: null }));
    });

    it('revoking ends one session, or every session of one account', async () => {
      const x = s.stores.sessions;
      await x.create('a1', row(), 1000);
      await x.create('a2', row(), 1000);
      await x.create('b1', row({ account: 'beta' }), 1000);
      await x.create('op', row({ kind: 'dashboard', account: null }), 1000);
      await x.revoke('a1');
      expect(await x.get('a1', 1500)).toBeUndefined();
      expect(await x.revokeAccount('acme')).toBe(1);
      expect(await x.get('a2', 1500)).toBeUndefined();
      expect(await x.get('b1', 1500)).toBeDefined();
      expect(await x.get('op', 1500)).toBeDefined();
    });

    it('expired sessions are removed when a new one is made (the table stays bounded)', async () => {
      const x = s.stores.sessions;
      await x.create('old', row({ expiresAt: 1500 }), 1000);
      await x.create('new', row({ expiresAt: 9000 }), 1600);
      await x.extend('old', 99_000); // nothing left to extend
      expect(await x.get('old', 1700)).toBeUndefined();
      expect(await x.get('new', 1700)).toBeDefined();
    });

    it('failures count within a window that the first one starts, then start again', async () => {
      const x = s.stores.sessions;
      expect((await x.failures('ip-1', 0)).count).toBe(0);
      expect(await x.fail('ip-1', 1000, 0)).toBe(1);
      expect(await x.fail('ip-1', 1000, 500)).toBe(2);
      expect(await x.fail('ip-2', 1000, 500)).toBe(1);
      expect(await x.failures('ip-1', 999)).toEqual({ count: 2, untilAt: 1000 });
      expect((await x.failures('ip-1', 1000)).count).toBe(0);
      expect(await x.fail('ip-1', 1000, 1000)).toBe(1);
      expect((await x.failures('ip-1', 1999)).count).toBe(1);
    });

    it('concurrent failures of one address are all counted', async () => {
      const x = s.stores.sessions;
      const counts = await Promise.all(Array.from({ length: 8 }, () => x.fail('ip-1', 60_000, 10)));
      expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await x.failures('ip-1', 20)).count).toBe(8);
    });
  });
}
