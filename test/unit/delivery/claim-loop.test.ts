import pino from 'pino';
import { createClaimLoop } from '../../../src/delivery/claim-loop';

// Fake timers: the loop's sleeps are driven by the test, so nothing here depends on the machine's speed.
describe('claim loop: idle sleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setup() {
    const due: string[] = [];
    const ran: string[] = [];
    let claims = 0;
    const loop = createClaimLoop<string>({
      log: pino({ level: 'silent' }),
      pollMs: 100,
      idleMs: 60_000,
      concurrency: 2,
      claimLimit: () => 10,
      ready: () => true,
      claim: () => {
        claims++;
        return Promise.resolve(due.splice(0));
      },
      run: (c) => {
        ran.push(c);
        return Promise.resolve();
      },
      release: () => Promise.resolve(),
      nextDueAt: () => Promise.resolve(null),
      describe: (c) => ({ c }),
    });
    return { loop, due, ran, claims: () => claims };
  }

  it('with nothing due sleeps idleMs, not pollMs, and wakes at once on notify', async () => {
    const { loop, due, ran, claims } = setup();
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(claims()).toBe(1);
    // Many poll intervals pass: an idle loop does not look again.
    await jest.advanceTimersByTimeAsync(50 * 100);
    expect(claims()).toBe(1);
    // Work made due wakes it without waiting for the idle sleep.
    due.push('a');
    loop.notify();
    await jest.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['a']);
    const afterWake = claims();
    // The idle sleep is still a safety net: it looks again once idleMs passes.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(claims()).toBeGreaterThan(afterWake);
    const stopped = loop.stop();
    await jest.advanceTimersByTimeAsync(0);
    await stopped;
  });

  it('without idleMs an idle loop looks again every pollMs', async () => {
    let claims = 0;
    const loop = createClaimLoop<string>({
      log: pino({ level: 'silent' }),
      pollMs: 100,
      concurrency: 1,
      claimLimit: () => 1,
      ready: () => true,
      claim: () => {
        claims++;
        return Promise.resolve([]);
      },
      run: () => Promise.resolve(),
      release: () => Promise.resolve(),
      nextDueAt: () => Promise.resolve(null),
      describe: () => ({}),
    });
    loop.start();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(claims).toBeGreaterThanOrEqual(5);
    const stopped = loop.stop();
    await jest.advanceTimersByTimeAsync(0);
    await stopped;
  });
});
