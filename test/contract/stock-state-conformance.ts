import type { ProjectionPlan, StockFigure } from '../../src/storage/stores';
import type { OpenStores } from '../../src/storage/stores';
import { callback, useStores } from './use-stores';

const fig = (offer: string, warehouse: string, quantity: number, version: number): StockFigure => ({
  offerKey: 'xmlId',
  offer,
  warehouse,
  quantity,
  version,
});
const plan = (p: Partial<ProjectionPlan> & { fromCursor: number; toCursor: number }): ProjectionPlan => ({
  figures: [],
  due: [],
  unmapped: [],
  ...p,
});

export function stockStateConformance(driverName: string, openStores: OpenStores) {
  describe(`StockState conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('reads pending callbacks after its cursor, and apply moves the cursor only from where it was', async () => {
      const [a, b] = await s.stores.callbackLog.append([callback([1]), callback([2])]);
      const p = await s.stores.stock.pending(10);
      expect(p.cursor).toBe(0);
      expect(p.records.map((r) => r.seq)).toEqual([a, b]);
      expect(await s.stores.stock.apply(plan({ fromCursor: 0, toCursor: a }), 1)).toEqual({ applied: true, cursor: a });
      // A second projector that read at cursor 0 loses the compare-and-set and applies nothing.
      const stale = plan({ fromCursor: 0, toCursor: b, figures: [fig('A', 'w', 1, b)] });
      expect(await s.stores.stock.apply(stale, 2)).toEqual({ applied: false, cursor: a });
      expect(await s.stores.stock.offerFigures('xmlId', 'A')).toEqual([]);
      const again = await s.restart();
      expect(await again.stock.cursor()).toBe(a);
      expect((await again.stock.pending(10)).records.map((r) => r.seq)).toEqual([b]);
    });

    it('stores a figure once per (offer key, offer, warehouse); an older version never overwrites a newer one', async () => {
      const st = s.stores.stock;
      await st.apply(plan({ fromCursor: 0, toCursor: 5, figures: [fig('A', 'w1', 7, 5), fig('A', 'w2', 1, 5)] }), 1);
      await st.apply(plan({ fromCursor: 5, toCursor: 6, figures: [fig('A', 'w1', 3, 4)] }), 2);
      expect(await st.offerFigures('xmlId', 'A')).toEqual([fig('A', 'w1', 7, 5), fig('A', 'w2', 1, 5)]);
      expect(await st.offerFigures('externalId', 'A')).toEqual([]);
      const got = await st.figures([
        { offerKey: 'xmlId', offer: 'A' },
        { offerKey: 'xmlId', offer: 'B' },
      ]);
      expect(got).toHaveLength(2);
    });

    it('figures come once per figure, ordered by offer key, offer and warehouse, whatever order they are asked in', async () => {
      const st = s.stores.stock;
      await st.apply(
        plan({
          fromCursor: 0,
          toCursor: 5,
          figures: [fig('B', 'w2', 2, 5), fig('B', 'w1', 1, 5), fig('A', 'w', 3, 5)],
        }),
        1,
      );
      const got = await st.figures([
        { offerKey: 'xmlId', offer: 'B' },
        { offerKey: 'xmlId', offer: 'A' },
        { offerKey: 'xmlId', offer: 'B' },
      ]);
      expect(got).toEqual([fig('A', 'w', 3, 5), fig('B', 'w1', 1, 5), fig('B', 'w2', 2, 5)]);
    });

    it('due marks make the item due now for that target only, and a newer version revives a dead item', async () => {
      const st = s.stores.stock;
      await st.apply(
        plan({ fromCursor: 0, toCursor: 3, due: [{ target: 't', item: 'A', version: 3, priority: 2 }] }),
        100,
      );
      expect(await s.stores.deliveries.get('t', 'A')).toMatchObject({
        version: 3,
        deliveredVersion: 0,
        dueAt: 100,
        dueSince: 100,
        priority: 2,
      });
      expect(await s.stores.deliveries.get('u', 'A')).toBeUndefined();
      const [c] = await s.stores.deliveries.claim('t', 1, 100, 1000, 'o');
      await s.stores.deliveries.markDead('t', 'A', c.token, 'gone', 404, 101);
      await st.apply(
        plan({ fromCursor: 3, toCursor: 4, due: [{ target: 't', item: 'A', version: 4, priority: 3 }] }),
        200,
      );
      expect(await s.stores.deliveries.get('t', 'A')).toMatchObject({
        dead: false,
        attempts: 0,
        dueAt: 200,
        version: 4,
      });
    });

    it('records unmapped offers per target (the newest reason wins) and counts them in the stats', async () => {
      const st = s.stores.stock;
      await st.apply(
        plan({
          fromCursor: 0,
          toCursor: 2,
          unmapped: [{ target: 't', offerLabel: 'id=1', reason: 'no xmlId', seq: 2 }],
        }),
        7,
      );
      expect(await st.listUnmapped('t', 10)).toEqual([
        { target: 't', offerLabel: 'id=1', reason: 'no xmlId', seq: 2, seenAt: 7 },
      ]);
      expect((await s.stores.deliveries.stats('t')).unmapped).toBe(1);
      expect(await st.listUnmapped('u', 10)).toEqual([]);
    });

    it('remembers what was delivered to each target, for the oversell order', async () => {
      const st = s.stores.stock;
      await st.apply(
        plan({ fromCursor: 0, toCursor: 1, due: [{ target: 't', item: 'A', version: 1, priority: 2 }] }),
        1,
      );
      const [c] = await s.stores.deliveries.claim('t', 1, 1, 1000, 'o');
      await s.stores.deliveries.markDelivered('t', 'A', c.token, 1, { w1: 4 }, 200, 2);
      expect(await st.delivered('t', ['A', 'B'])).toEqual(new Map([['A', { w1: 4 }]]));
      expect(await st.delivered('u', ['A'])).toEqual(new Map());
    });
  });
}
