import type { OpenStores, Stores } from '../../src/storage/stores';
import { useStores } from './use-stores';

/** Make items due through the projection path (the only way a figure reaches deliveries besides markDue). */
async function due(stores: Stores, items: Array<[string, number, number?]>, now: number) {
  const cursor = await stores.stock.cursor();
  const version = Math.max(...items.map(([, v]) => v));
  await stores.stock.apply(
    {
      fromCursor: cursor,
      toCursor: Math.max(cursor, version),
      figures: [],
      due: items.map(([item, v, priority]) => ({ target: 't', item, version: v, priority: (priority ?? 3) as 0 })),
      unmapped: [],
    },
    now,
  );
}

export function deliveriesConformance(driverName: string, openStores: OpenStores) {
  describe(`Deliveries conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('claims due items under a lease; a leased item is not claimed again until the lease expires', async () => {
      await due(
        s.stores,
        [
          ['A', 1],
          ['B', 1],
        ],
        10,
      );
      const d = s.stores.deliveries;
      expect((await d.claim('t', 10, 10, 1000, 'p1')).map((c) => c.item).sort()).toEqual(['A', 'B']);
      expect(await d.claim('t', 10, 500, 1000, 'p2')).toEqual([]);
      expect(await d.nextDueAt('t')).toBe(1010);
      expect(await d.claim('t', 10, 1011, 1000, 'p2')).toHaveLength(2);
    });

    it('fences: a stale claim (lease expired, claimed again) cannot record its outcome', async () => {
      await due(s.stores, [['A', 1]], 10);
      const d = s.stores.deliveries;
      const [old] = await d.claim('t', 1, 10, 100, 'p1');
      const [cur] = await d.claim('t', 1, 200, 100, 'p2');
      expect(cur.token).toBeGreaterThan(old.token);
      expect(await d.renew('t', 'A', old.token, 999)).toBe(false);
      expect(await d.markDelivered('t', 'A', old.token, 1, { w: 1 }, 200, 201)).toBe(false);
      expect(await d.markRetry('t', 'A', old.token, 900, 'late', 503, 201)).toBe(false);
      expect(await d.markDead('t', 'A', old.token, 'late', 404, 201)).toBe(false);
      expect(await d.release('t', 'A', old.token, 201)).toBe(false);
      expect(await d.get('t', 'A')).toMatchObject({ deliveredVersion: 0, attempts: 0, dead: false });
      expect(await d.renew('t', 'A', cur.token, 5000)).toBe(true);
      expect(await d.claim('t', 1, 400, 100, 'p3')).toEqual([]);
      expect(await d.markDelivered('t', 'A', cur.token, 1, { w: 1 }, 200, 401)).toBe(true);
      expect(await d.get('t', 'A')).toMatchObject({ deliveredVersion: 1, dueAt: null });
    });

    it('delivery of an older version than the newest keeps the item due at once', async () => {
      await due(s.stores, [['A', 1]], 1);
      const d = s.stores.deliveries;
      const [c] = await d.claim('t', 1, 1, 1000, 'p');
      await due(s.stores, [['A', 2]], 2);
      await d.markDelivered('t', 'A', c.token, 1, { w: 5 }, 200, 3);
      expect(await d.get('t', 'A')).toMatchObject({ version: 2, deliveredVersion: 1, dueAt: 3 });
      const [c2] = await d.claim('t', 1, 3, 1000, 'p');
      await d.markDelivered('t', 'A', c2.token, 2, { w: 4 }, 200, 4);
      expect(await d.get('t', 'A')).toMatchObject({ deliveredVersion: 2, dueAt: null, priority: null });
    });

    it('claims the most urgent first: to zero, decreases, never delivered, the rest; oldest first within', async () => {
      await due(s.stores, [['other-old', 1, 3]], 1);
      await due(s.stores, [['unknown', 2, 2]], 2);
      await due(s.stores, [['decrease', 3, 1]], 3);
      await due(
        s.stores,
        [
          ['zero', 4, 0],
          ['other-new', 4, 3],
        ],
        4,
      );
      const order = (await s.stores.deliveries.claim('t', 10, 10, 1000, 'p')).map((c) => c.item);
      expect(order).toEqual(['zero', 'decrease', 'unknown', 'other-old', 'other-new']);
    });

    it('a due mark keeps the more urgent of the old and new priority while the item waits', async () => {
      await due(s.stores, [['A', 1, 0]], 1);
      await due(s.stores, [['A', 2, 3]], 2);
      expect(await s.stores.deliveries.get('t', 'A')).toMatchObject({ priority: 0, version: 2, dueSince: 1 });
    });

    // Driver drift pinned (0.2 SQLite and PostgreSQL disagreed on each of these; see the layout issue's note).
    it('claims oldest due first by when the item became due (due_since), not by its retry time; then by item', async () => {
      const d = s.stores.deliveries;
      await due(s.stores, [['A', 1]], 10);
      const [a] = await d.claim('t', 1, 10, 1000, 'p');
      expect(await d.markRetry('t', 'A', a.token, 50, 'busy', 503, 11)).toBe(true);
      await due(s.stores, [['C', 2]], 20);
      await due(s.stores, [['B', 3]], 20);
      expect((await d.claim('t', 3, 100, 1000, 'p')).map((c) => c.item)).toEqual(['A', 'B', 'C']);
    });

    it('a released claim cannot be renewed, even with its own token', async () => {
      await due(s.stores, [['A', 1]], 10);
      const d = s.stores.deliveries;
      const [c] = await d.claim('t', 1, 10, 1000, 'p');
      expect(await d.release('t', 'A', c.token, 20)).toBe(true);
      expect(await d.renew('t', 'A', c.token, 5000)).toBe(false);
      expect(await d.claim('t', 1, 20, 1000, 'p')).toHaveLength(1);
    });

    it('markDue on a delivered item makes it due as "other" (priority 3); a new one as "never delivered" (2)', async () => {
      await due(s.stores, [['A', 1, 0]], 1);
      const d = s.stores.deliveries;
      const [c] = await d.claim('t', 1, 1, 1000, 'p');
      await d.markDelivered('t', 'A', c.token, 1, { w: 1 }, 200, 2);
      expect(await d.get('t', 'A')).toMatchObject({ priority: null, dueAt: null });
      expect(await d.markDue('t', ['A', 'N', 'N'], 3)).toBe(2);
      expect(await d.get('t', 'A')).toMatchObject({ priority: 3, dueAt: 3, dueSince: 3 });
      expect(await d.get('t', 'N')).toMatchObject({ priority: 2, dueAt: 3, version: 0 });
    });

    it('lists dead letters newest first, ties by item', async () => {
      await due(
        s.stores,
        [
          ['B', 1],
          ['A', 1],
        ],
        1,
      );
      const d = s.stores.deliveries;
      for (const c of await d.claim('t', 2, 1, 1000, 'p')) await d.markDead('t', c.item, c.token, 'gone', 404, 5);
      expect((await d.listDead('t', 10)).map((x) => x.item)).toEqual(['A', 'B']);
      expect((await d.listFailures('t', 10)).map((x) => x.item)).toEqual(['A', 'B']);
    });

    it('retries count attempts; dead letters can be retried one or all', async () => {
      await due(
        s.stores,
        [
          ['A', 1],
          ['B', 1],
        ],
        1,
      );
      const d = s.stores.deliveries;
      const [a, b] = (await d.claim('t', 2, 1, 1000, 'p')).sort((x, y) => x.item.localeCompare(y.item));
      expect(await d.markRetry('t', 'A', a.token, 50, 'HTTP 503', 503, 2)).toBe(true);
      expect(await d.get('t', 'A')).toMatchObject({ attempts: 1, dueAt: 50, firstFailedAt: 2, lastError: 'HTTP 503' });
      const [a2] = await d.claim('t', 1, 60, 1000, 'p');
      await d.markDead('t', 'A', a2.token, 'HTTP 404: unknown item', 404, 61);
      await d.markDead('t', 'B', b.token, 'HTTP 404: unknown item', 404, 61);
      expect((await d.listDead('t', 10)).map((x) => x.item).sort()).toEqual(['A', 'B']);
      expect((await d.listFailures('t', 10)).length).toBe(2);
      expect(await d.stats('t')).toMatchObject({ backlog: 0, dead: 2, lastError: 'HTTP 404: unknown item' });
      expect(await d.retryDead('t', 'A', 70)).toBe(1);
      expect(await d.retryDead('t', null, 71)).toBe(1);
      expect(await d.stats('t')).toMatchObject({ backlog: 2, dead: 0, oldestDueSince: 70 });
    });

    it('release gives an item back without counting an attempt; markDue makes items due (creating unknown ones)', async () => {
      await due(s.stores, [['A', 1]], 1);
      const d = s.stores.deliveries;
      const [c] = await d.claim('t', 1, 1, 1000, 'p');
      expect(await d.release('t', 'A', c.token, 5)).toBe(true);
      expect(await d.get('t', 'A')).toMatchObject({ attempts: 0, dueAt: 5 });
      const [c2] = await d.claim('t', 1, 5, 1000, 'p');
      await d.markDelivered('t', 'A', c2.token, 1, { w: 1 }, 200, 6);
      expect(await d.markDue('t', ['A', 'Z'], 7)).toBe(2);
      expect(await d.get('t', 'A')).toMatchObject({ dueAt: 7 });
      expect(await d.get('t', 'Z')).toMatchObject({ dueAt: 7, deliveredVersion: 0 });
    });
  });
}
