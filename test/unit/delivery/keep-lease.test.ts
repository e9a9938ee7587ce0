import { keepLease } from '../../../src/delivery/keep-lease';

/** A piece of work that finishes when told to. */
function held<T>(value: T) {
  let finish!: () => void;
  const done = new Promise<T>((resolve) => (finish = () => resolve(value)));
  return { work: () => done, finish: () => finish() };
}

async function until(cond: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('keepLease', () => {
  it('renews every third of the lease while the work runs, and never after it ends', async () => {
    jest.useFakeTimers();
    try {
      const renewals: number[] = [];
      const w = held('ok');
      const running = keepLease(
        60,
        (u) => (renewals.push(u), Promise.resolve(true)),
        w.work,
        () => undefined,
      );
      await jest.advanceTimersByTimeAsync(60);
      expect(renewals).toHaveLength(3);
      w.finish();
      expect(await running).toBe('ok');
      await jest.advanceTimersByTimeAsync(600);
      expect(renewals).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports the claim lost once a renewal is refused', async () => {
    let lost = 0;
    const w = held('ok');
    const running = keepLease(
      30,
      () => Promise.resolve(false),
      w.work,
      () => lost++,
    );
    await until(() => lost === 1);
    w.finish();
    await running;
    expect(lost).toBe(1);
  });

  it('reports the claim lost when renewals keep failing until the lease has run out, not before', async () => {
    let lost = 0;
    let clock = 1000;
    let failures = 0;
    const w = held('ok');
    const running = keepLease(
      30,
      () => (failures++, Promise.reject(new Error('database unreachable'))),
      w.work,
      () => lost++,
      () => clock,
    );
    await until(() => failures >= 2);
    expect(lost).toBe(0); // the lease (until 1030 on this clock) has not run out yet
    clock = 1031;
    await until(() => lost === 1);
    w.finish();
    await running;
    expect(lost).toBe(1);
  });
});
