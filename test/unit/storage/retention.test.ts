import { createRetention } from '../../../src/storage/callback-log/create-retention';
import type { CallbackLog } from '../../../src/storage/stores';
import { silentLog } from '../../helpers/test-config';

describe('callback log retention', () => {
  it('prunes batch after batch until a short one, with the cutoff "days" before now', async () => {
    const calls: Array<[number, number]> = [];
    const answers = [3, 3, 1];
    const callbackLog = {
      prune: (before: number, limit: number) => {
        calls.push([before, limit]);
        return Promise.resolve(answers.shift() ?? 0);
      },
    } as unknown as CallbackLog;
    const r = createRetention({ callbackLog, log: silentLog, days: 2, batch: 3, now: () => 10 * 86_400_000 });
    expect(await r.pruneOnce()).toBe(7);
    expect(calls).toEqual([
      [8 * 86_400_000, 3],
      [8 * 86_400_000, 3],
      [8 * 86_400_000, 3],
    ]);
  });

  it('days: 0 keeps everything', async () => {
    let called = false;
    const callbackLog = {
      prune: () => {
        called = true;
        return Promise.resolve(0);
      },
    } as unknown as CallbackLog;
    expect(await createRetention({ callbackLog, log: silentLog, days: 0 }).pruneOnce()).toBe(0);
    expect(called).toBe(false);
  });
});
