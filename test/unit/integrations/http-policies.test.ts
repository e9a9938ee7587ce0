import fc from 'fast-check';
import { backoffDelay } from '../../../src/integrations/http-client/backoff';
import { classifyStatus, parseRetryAfter } from '../../../src/integrations/http-client/classify-status';
import { createRateLimiter } from '../../../src/integrations/http-client/rate-limiter';

describe('classifyStatus', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [301, 'redirect'],
    [302, 'redirect'],
    [400, 'permanent'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not-found'],
    [405, 'permanent'],
    [408, 'retry'],
    [422, 'permanent'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
  ])('%i is %s', (status, outcome) => expect(classifyStatus(status)).toBe(outcome));
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores nonsense', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('never imposes more than 15 minutes, however far the peer names', () => {
    expect(parseRetryAfter('999999999')).toBe(15 * 60_000);
    expect(parseRetryAfter(new Date(Date.UTC(2099, 0, 1)).toUTCString(), 0)).toBe(15 * 60_000);
    expect(parseRetryAfter('899')).toBe(899_000);
  });
});

describe('backoffDelay', () => {
  it('property: grows with attempts, stays within [50%, 100%] of the capped step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (attempt, r) => {
        const policy = { baseMs: 100, maxMs: 10_000 };
        const step = Math.min(policy.maxMs, 100 * 2 ** (attempt - 1));
        const d = backoffDelay(attempt, policy, () => r);
        return d >= Math.floor(step / 2) && d <= step;
      }),
      { numRuns: 500, verbose: true },
    );
  });
});

describe('createRateLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('spaces starts so that no one-second window holds more than the limit', async () => {
    const limiter = createRateLimiter(10);
    const starts: number[] = [];
    const all = Array.from({ length: 25 }, () => limiter.acquire().then(() => starts.push(Date.now())));
    await jest.advanceTimersByTimeAsync(5000);
    await Promise.all(all);
    for (let i = 10; i < starts.length; i++) expect(starts[i] - starts[i - 10]).toBeGreaterThanOrEqual(1000);
    expect(starts[24] - starts[0]).toBeLessThan(2600); // and not much slower than the limit
  });

  it('after a stall lets the queue go one interval apart again instead of catching up in a burst', async () => {
    jest.useRealTimers(); // a real stall: every timer falls due while the event loop is blocked
    const limiter = createRateLimiter(10);
    const starts: number[] = [];
    const all = Array.from({ length: 4 }, () => limiter.acquire().then(() => starts.push(Date.now())));
    await all[0];
    const busyUntil = Date.now() + 500;
    while (Date.now() < busyUntil); // the process is busy past three slots
    await Promise.all(all);
    // 103 ms apart by the limiter's clock; a few ms of slack for the promise hop between release and record
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(95);
  });

  it('holds every caller after pauseUntil', async () => {
    const limiter = createRateLimiter(100);
    limiter.pauseUntil(Date.now() + 3000);
    let done = false;
    void limiter.acquire().then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(2900);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    expect(done).toBe(true);
  });
});
