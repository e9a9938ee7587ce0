import type { Projection, Storage } from '../../../src/storage/storage';

/** One suite every storage driver must pass. `open` returns a fresh store; `reopen` the same data after a restart. */
export function storageConformance(
  name: string,
  open: () => Promise<{ storage: Storage; reopen: () => Promise<Storage> }>,
) {
  describe(`storage conformance: ${name}`, () => {
    let storage: Storage;
    let reopen: () => Promise<Storage>;
    beforeEach(async () => ({ storage, reopen } = await open()));
    afterEach(() => storage.close());

    const cb = (offers: unknown) => ({ receivedAt: 1, contentHash: 'h', offersJson: JSON.stringify(offers) });
    // offers here are [[item, warehouse, qty], ...] for target t
    const derive = (rec: { offers: unknown }): Projection => ({
      rows: (rec.offers as Array<[string, string, number]>).map(([item, warehouse, quantity]) => ({
        target: 't',
        item,
        warehouse,
        quantity,
      })),
      unmapped: [],
    });

    it('numbers appended callbacks from one increasing sequence, in one batch', async () => {
      const a = await storage.appendCallbacks([cb([]), cb([])]);
      const b = await storage.appendCallbacks([cb([])]);
      expect(a[1]).toBe(a[0] + 1);
      expect(b[0]).toBeGreaterThan(a[1]);
      expect(await storage.latestSeq()).toBe(b[0]);
    });

    it('projects in sequence order: the newest figure wins and carries its sequence as version', async () => {
      const [s1, , s3] = await storage.appendCallbacks([
        cb([['A', 'w', 5]]),
        cb([['A', 'w', 3]]),
        cb([
          ['A', 'w', 7],
          ['B', 'w', 1],
        ]),
      ]);
      const res = await storage.project(10, derive, 100);
      expect(res).toMatchObject({ callbacks: 3, cursor: s3 });
      expect(await storage.getDesired('t', 'A')).toEqual([{ warehouse: 'w', quantity: 7, version: s3 }]);
      expect(await storage.getItem('t', 'A')).toMatchObject({ version: s3, deliveredVersion: 0, dueAt: 100 });
      expect(s1).toBeLessThan(s3);
    });

    it('never projects a callback twice, and a restart continues from the cursor', async () => {
      await storage.appendCallbacks([cb([['A', 'w', 5]])]);
      await storage.project(10, derive, 1);
      expect((await storage.project(10, derive, 2)).callbacks).toBe(0);
      const [s2] = await storage.appendCallbacks([cb([['A', 'w', 6]])]);
      await storage.close();
      storage = await reopen();
      expect(await storage.projectorCursor()).toBe(s2 - 1);
      const res = await storage.project(10, derive, 3);
      expect(res).toMatchObject({ callbacks: 1, cursor: s2 });
      expect(await storage.getDesired('t', 'A')).toEqual([{ warehouse: 'w', quantity: 6, version: s2 }]);
    });

    it('a failing derivation applies nothing and leaves the cursor where it was', async () => {
      await storage.appendCallbacks([cb([['A', 'w', 5]]), cb([['B', 'w', 1]])]);
      let n = 0;
      await expect(
        storage.project(
          10,
          (r) => {
            if (++n === 2) throw new Error('boom');
            return derive(r);
          },
          1,
        ),
      ).rejects.toThrow('boom');
      expect(await storage.projectorCursor()).toBe(0);
      expect(await storage.getDesired('t', 'A')).toEqual([]);
    });

    it('an unchanged figure neither bumps the version nor makes the item due again', async () => {
      const [s1] = await storage.appendCallbacks([cb([['A', 'w', 5]])]);
      await storage.project(10, derive, 1);
      await storage.markDelivered('t', 'A', s1, 200, 2);
      await storage.appendCallbacks([cb([['A', 'w', 5]])]);
      expect((await storage.project(10, derive, 3)).dueItems).toBe(0);
      expect(await storage.getItem('t', 'A')).toMatchObject({ version: s1, deliveredVersion: s1, dueAt: null });
    });

    it('claims due items under a lease; a leased item is not claimed again until the lease expires', async () => {
      await storage.appendCallbacks([
        cb([
          ['A', 'w', 5],
          ['B', 'w', 1],
        ]),
      ]);
      await storage.project(10, derive, 10);
      expect((await storage.claimDue('t', 10, 10, 1000, 'p1')).map((c) => c.item).sort()).toEqual(['A', 'B']);
      expect(await storage.claimDue('t', 10, 500, 1000, 'p2')).toEqual([]);
      expect(await storage.claimDue('t', 10, 1011, 1000, 'p2')).toHaveLength(2);
    });

    it('delivery of an older version than the newest keeps the item due at once', async () => {
      const [s1] = await storage.appendCallbacks([cb([['A', 'w', 5]])]);
      await storage.project(10, derive, 1);
      await storage.claimDue('t', 1, 1, 1000, 'p');
      const [s2] = await storage.appendCallbacks([cb([['A', 'w', 4]])]);
      await storage.project(10, derive, 2);
      await storage.markDelivered('t', 'A', s1, 200, 3);
      expect(await storage.getItem('t', 'A')).toMatchObject({ version: s2, deliveredVersion: s1, dueAt: 3 });
      await storage.markDelivered('t', 'A', s2, 200, 4);
      await storage.markDelivered('t', 'A', s1, 200, 5); // a late, older acknowledgement never moves it back
      expect(await storage.getItem('t', 'A')).toMatchObject({ deliveredVersion: s2, dueAt: null });
    });

    it('retries count attempts; dead letters can be retried one or all', async () => {
      await storage.appendCallbacks([
        cb([
          ['A', 'w', 5],
          ['B', 'w', 1],
        ]),
      ]);
      await storage.project(10, derive, 1);
      await storage.markRetry('t', 'A', 50, 'HTTP 503', 503, 2);
      expect(await storage.getItem('t', 'A')).toMatchObject({
        attempts: 1,
        dueAt: 50,
        firstFailedAt: 2,
        lastError: 'HTTP 503',
      });
      expect(await storage.nextDueAt('t')).toBe(1);
      await storage.markDead('t', 'A', 'HTTP 404: unknown item', 404, 3);
      await storage.markDead('t', 'B', 'HTTP 404: unknown item', 404, 3);
      expect((await storage.listDead('t', 10)).map((d) => d.item).sort()).toEqual(['A', 'B']);
      expect(await storage.targetStats('t')).toMatchObject({
        backlog: 0,
        dead: 2,
        lastError: 'HTTP 404: unknown item',
      });
      expect(await storage.retryDead('t', 'A', 4)).toBe(1);
      expect(await storage.retryDead('t', null, 5)).toBe(1);
      expect(await storage.targetStats('t')).toMatchObject({ backlog: 2, dead: 0 });
    });

    it('prunes only callbacks that are both old enough and already projected', async () => {
      await storage.appendCallbacks([
        { receivedAt: 10, contentHash: 'h', offersJson: '[]' },
        { receivedAt: 20, contentHash: 'h', offersJson: '[]' },
      ]);
      await storage.project(1, derive, 1); // only the first is projected
      await storage.appendCallbacks([{ receivedAt: 30, contentHash: 'h', offersJson: '[]' }]);
      expect(await storage.pruneCallbacks(1000, 100)).toBe(1);
      expect(await storage.callbackCount()).toBe(2);
      await storage.project(10, derive, 2);
      expect(await storage.pruneCallbacks(25, 100)).toBe(1);
      expect(await storage.pruneCallbacks(1000, 100)).toBe(1);
      expect(await storage.callbackCount()).toBe(0);
      // the sequence keeps increasing after pruning: versions stay comparable
      const [next] = await storage.appendCallbacks([{ receivedAt: 40, contentHash: 'h', offersJson: '[]' }]);
      expect(next).toBe(4);
    });

    it('keeps module and target state', async () => {
      expect(await storage.getModuleState()).toMatchObject({ active: true, freeze: false });
      await storage.setModuleState({ active: false, freeze: true, systemUrl: 'https://x', updatedAt: 9 });
      expect(await storage.getModuleState()).toEqual({
        active: false,
        freeze: true,
        systemUrl: 'https://x',
        updatedAt: 9,
      });
      await storage.setTargetPaused('t', 'HTTP 401', 7);
      expect(await storage.getTargetState('t')).toEqual({
        target: 't',
        paused: true,
        pausedReason: 'HTTP 401',
        pausedAt: 7,
      });
      await storage.setTargetPaused('t', null, 8);
      expect((await storage.getTargetState('t')).paused).toBe(false);
    });
  });
}
