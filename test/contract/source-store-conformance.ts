import type { OpenStores } from '../../src/storage/stores';
import { useStores } from './use-stores';

export function sourceStoreConformance(driverName: string, openStores: OpenStores) {
  describe(`SourceStore conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('records what was uploaded per source, newest figure per offer and warehouse', async () => {
      const src = s.stores.sources;
      await src.recordUploaded(
        'a',
        [
          { offer: 'X', warehouse: 'w1', quantity: 1 },
          { offer: 'X', warehouse: 'w2', quantity: 2 },
        ],
        1,
      );
      await src.recordUploaded('a', [{ offer: 'X', warehouse: 'w1', quantity: 5 }], 2);
      await src.recordUploaded('b', [{ offer: 'Y', warehouse: 'w1', quantity: 9 }], 2);
      const st = await src.getState('a');
      expect([...st.keys()]).toEqual(['X']);
      expect(Object.fromEntries(st.get('X')!)).toEqual({ w1: 5, w2: 2 });
    });

    it('reads the figures of just the named offers of one source', async () => {
      const src = s.stores.sources;
      await src.recordUploaded(
        'a',
        [
          { offer: 'X', warehouse: 'w1', quantity: 1 },
          { offer: 'Y', warehouse: 'w1', quantity: 2 },
          { offer: 'Y', warehouse: 'w2', quantity: 3 },
        ],
        1,
      );
      await src.recordUploaded('b', [{ offer: 'Z', warehouse: 'w1', quantity: 9 }], 1);
      const got = await src.getFigures('a', ['Y', 'Z', 'Y']);
      expect([...got.keys()]).toEqual(['Y']);
      expect(Object.fromEntries(got.get('Y')!)).toEqual({ w1: 2, w2: 3 });
      expect((await src.getFigures('a', [])).size).toBe(0);
    });

    it('keeps sync runs with their outcome and stats, newest first', async () => {
      const src = s.stores.sources;
      const a = await src.startRun('a', false, 1);
      const b = await src.startRun('b', true, 2);
      const stats = { read: 3, unchanged: 1, uploaded: 2, notFound: 0, unmapped: 0, errors: 0, batches: 1 };
      await src.finishRun(a, stats, 'ok', null, 5);
      const runs = await src.listRuns(null, 10);
      expect(runs.map((r) => r.id)).toEqual([b, a]);
      expect(runs[1]).toMatchObject({ source: 'a', dryRun: false, outcome: 'ok', finishedAt: 5, ...stats });
      expect(runs[0]).toMatchObject({ source: 'b', dryRun: true, outcome: 'running', read: 0 });
      expect((await src.listRuns('a', 10)).map((r) => r.id)).toEqual([a]);
    });

    it("lists one account's runs: `default`'s are the bare names, another's under its prefix", async () => {
      const src = s.stores.sources;
      const d = await src.startRun('erp', false, 1);
      const x = await src.startRun('acme/erp', false, 2);
      const y = await src.startRun('acme/feed', false, 3);
      await src.startRun('acme-two/erp', false, 4);
      expect((await src.listRuns(null, 10, 'default')).map((r) => r.id)).toEqual([d]);
      expect((await src.listRuns(null, 10, 'acme')).map((r) => r.id)).toEqual([y, x]);
      expect(await src.listRuns(null, 10, 'beta')).toEqual([]);
    });
  });
}
