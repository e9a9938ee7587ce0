import { createRetention } from '../../../src/intake/create-retention';
import type { Storage } from '../../../src/storage/storage';
import { silentLog } from '../../helpers/test-config';

describe('callback log retention', () => {
  it('prunes batch after batch until a short one, with the cutoff "days" before now', async () => {
    const calls: Array<[number, number]> = [];
    const answers = [3, 3, 1];
    const storage = {
      pruneCallbacks: async (before: number, limit: number) => {
        calls.push([before, limit]);
        return answers.shift() ?? 0;
      },
    } as unknown as Storage;
    const r = createRetention({ storage, log: silentLog, days: 2, batch: 3, now: () => 10 * 86_400_000 });
    expect(await r.pruneOnce()).toBe(7);
    expect(calls).toEqual([
      [8 * 86_400_000, 3],
      [8 * 86_400_000, 3],
      [8 * 86_400_000, 3],
    ]);
  });

  it('days: 0 keeps everything', async () => {
    let called = false;
    const storage = {
      pruneCallbacks: async () => {
        called = true;
        return 0;
      },
    } as unknown as Storage;
    expect(await createRetention({ storage, log: silentLog, days: 0 }).pruneOnce()).toBe(0);
    expect(called).toBe(false);
  });
});
