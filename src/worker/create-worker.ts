import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Config, TargetConfig } from '../config/config-types';
import { retryOrGiveUp } from './retry-policy';
import { createInFlight } from './in-flight';
import { createWakeSignal } from './wake-signal';
import { createRateLimiter } from '../http/rate-limiter';
import type { Metrics } from '../metrics/create-metrics';
import type { ClaimedItem, Storage } from '../storage/storage';
import type { PushTarget, WriteResult } from '../targets/push-target';
import { OUTCOME } from '../metrics/outcomes';

export interface WorkerTarget {
  config: TargetConfig;
  target: PushTarget;
}

export interface Worker {
  start(): Promise<void>;
  /** Stop claiming, give back queued work, and wait for writes in flight up to `drainMs`. */
  stop(): Promise<void>;
  wake(targets?: readonly string[]): void;
  /** `by: 'operator'` is an expected action (logged at info); otherwise a fault that needs one (error). */
  pause(target: string, reason: string, by?: 'operator' | 'fault'): Promise<void>;
  resume(target: string): Promise<void>;
  setActive(active: boolean): void;
}

export interface WorkerDeps {
  storage: Storage;
  targets: readonly WorkerTarget[];
  log: Logger;
  metrics: Metrics;
  settings: Config['worker'];
  isActive: () => Promise<boolean>;
  owner?: string;
  random?: () => number;
}

/** What the worker does with one classified outcome. Pure: tested on its own. */
export function decide(
  res: WriteResult,
  c: Pick<ClaimedItem, 'attempts' | 'firstFailedAt'>,
  t: Pick<TargetConfig, 'maxAttempts' | 'maxAgeSeconds'>,
  policy: { baseMs: number; maxMs: number },
  now: number,
  random: () => number = Math.random,
):
  | { action: 'delivered' }
  | { action: 'retry'; dueAt: number }
  | { action: 'dead'; reason: string }
  | { action: 'pause'; reason: string } {
  const what = `${res.status === null ? 'no answer' : `HTTP ${res.status}`}: ${res.message}`;
  switch (res.outcome) {
    case 'ok':
      return { action: 'delivered' };
    case 'auth':
      return {
        action: 'pause',
        reason: `${what}. Check the target's apiKey and apiSecret (repeated bad logins lock the shop), then resume the target.`,
      };
    case 'redirect':
      return { action: 'pause', reason: `${res.message}. Fix the target url, then resume the target.` };
    case 'not-found':
      return { action: 'dead', reason: `${what} (the shop has no item with this identifier)` };
    case 'permanent':
      return { action: 'dead', reason: what };
    case 'retry': {
      const next = retryOrGiveUp(c, t, policy, now, res.retryAfterMs, random);
      return 'giveUp' in next
        ? { action: 'dead', reason: `${next.giveUp}; last: ${what}` }
        : { action: 'retry', dueAt: next.retryAt };
    }
  }
}

export function createWorker(deps: WorkerDeps): Worker {
  const owner = deps.owner ?? `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const { storage, settings } = deps;
  const policy = { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs };
  let active = true;
  let stopping = false;

  function createPump(wt: WorkerTarget) {
    const { config, target } = wt;
    const name = config.name;
    const log = deps.log.child({ target: name });
    const limiter = createRateLimiter(config.requestsPerSecond);
    // Hold no more leased work than the rate can send within half a lease.
    const claimLimit = Math.max(1, Math.min(64, Math.floor((config.requestsPerSecond * settings.leaseMs) / 2000)));
    let queue: Array<{ c: ClaimedItem; claimedAt: number }> = [];
    const inflight = createInFlight();
    const signal = createWakeSignal();
    let paused = false;

    async function release(items: Array<{ c: ClaimedItem }>) {
      for (const { c } of items) await storage.releaseItem(name, c.item, Date.now());
    }

    async function settle(c: ClaimedItem, version: number, res: WriteResult) {
      const now = Date.now();
      const d = decide(res, c, config, policy, now, deps.random);
      const outcome = d.action === 'pause' ? OUTCOME.paused : OUTCOME[d.action];
      deps.metrics.deliveries.inc({ target: name, outcome });
      log[res.outcome === 'ok' ? 'info' : 'warn'](
        {
          item: c.item,
          version,
          outcome,
          class: res.outcome,
          status: res.status,
          ms: res.durationMs,
          attempt: c.attempts + 1,
          ...(res.outcome === 'ok' ? {} : { reason: res.message }),
        },
        'delivery',
      );
      switch (d.action) {
        case 'delivered':
          await storage.markDelivered(name, c.item, version, res.status ?? 200, now);
          if (c.dueSince !== null) deps.metrics.deliveryLatency.observe({ target: name }, (now - c.dueSince) / 1000);
          return;
        case 'retry':
          if (res.retryAfterMs) limiter.pauseUntil(now + res.retryAfterMs);
          return storage.markRetry(
            name,
            c.item,
            d.dueAt,
            `${res.status ?? 'no answer'}: ${res.message}`,
            res.status,
            now,
          );
        case 'dead':
          log.warn({ item: c.item, reason: d.reason }, 'dead letter');
          return storage.markDead(name, c.item, d.reason, res.status, now);
        case 'pause':
          // The item stays due; it goes out once an operator resumes the target.
          await storage.markRetry(name, c.item, now, d.reason, res.status, now);
          return pump.pause(d.reason);
      }
    }

    async function deliver(c: ClaimedItem, claimedAt: number) {
      await limiter.acquire();
      if (stopping || paused || !active || Date.now() - claimedAt > settings.leaseMs * 0.8) {
        await storage.releaseItem(name, c.item, Date.now());
        return;
      }
      // The newest desired state at send time, not at claim time.
      const rows = await storage.getDesired(name, c.item);
      const version = rows.reduce((m, r) => Math.max(m, r.version), 0);
      if (rows.length === 0) return storage.markDelivered(name, c.item, c.version, 0, Date.now());
      await settle(c, version, await target.write(c.item, rows, version));
    }

    async function loop() {
      while (!stopping) {
        signal.reset();
        if (paused || !active) {
          if (queue.length) {
            const q = queue;
            queue = [];
            await release(q);
          }
          await signal.wait(settings.pollMs);
          continue;
        }
        let waitMs = settings.pollMs;
        try {
          while (inflight.count < config.concurrency && !stopping && !paused && active) {
            if (queue.length === 0) {
              const now = Date.now();
              queue = (await storage.claimDue(name, claimLimit, now, settings.leaseMs, owner)).map((c) => ({
                c,
                claimedAt: now,
              }));
              if (queue.length === 0) break;
            }
            const { c, claimedAt } = queue.shift()!;
            inflight.track(
              deliver(c, claimedAt).catch((err: Error) =>
                log.error(
                  { item: c.item, err: err.message },
                  'delivery bookkeeping failed; the lease will expire and the item is retried',
                ),
              ),
              signal.notify,
            );
          }
          if (inflight.count < config.concurrency && queue.length === 0) {
            const next = await storage.nextDueAt(name);
            if (next !== null) waitMs = Math.max(5, Math.min(settings.pollMs, next - Date.now()));
          }
        } catch (err) {
          log.error({ err: (err as Error).message }, 'could not claim work; retrying');
        }
        await signal.wait(waitMs);
      }
      if (queue.length) {
        const q = queue;
        queue = [];
        await release(q);
      }
    }

    const pump = {
      running: null as Promise<void> | null,
      start() {
        pump.running = loop();
      },
      notify: signal.notify,
      drained: inflight.drained,
      async load() {
        paused = (await storage.getTargetState(name)).paused;
      },
      async pause(reason: string, by: 'operator' | 'fault' = 'fault') {
        if (!paused && by === 'fault') log.error({ reason }, `target paused: ${reason}`);
        paused = true;
        await storage.setTargetPaused(name, reason, Date.now());
        signal.notify();
      },
      async resume() {
        paused = false;
        await storage.setTargetPaused(name, null, Date.now());
        log.info('target resumed');
        signal.notify();
      },
    };
    return pump;
  }

  const pumps = new Map(deps.targets.map((t) => [t.config.name, createPump(t)]));
  const pumpOf = (name: string) => {
    const p = pumps.get(name);
    if (!p) throw new Error(`unknown target ${name}`);
    return p;
  };

  return {
    async start() {
      active = await deps.isActive();
      for (const p of pumps.values()) await p.load();
      for (const p of pumps.values()) p.start();
    },
    async stop() {
      stopping = true;
      for (const p of pumps.values()) p.notify();
      await Promise.all([...pumps.values()].map((p) => p.running));
      const drained = await Promise.all([...pumps.values()].map((p) => p.drained(settings.drainMs)));
      if (drained.includes(false))
        deps.log.warn('some writes were still in flight at shutdown; their leases expire and they are sent again');
    },
    wake(targets) {
      for (const name of targets ?? [...pumps.keys()]) pumps.get(name)?.notify();
    },
    pause: (target, reason, by) => pumpOf(target).pause(reason, by),
    resume: (target) => pumpOf(target).resume(),
    setActive(value) {
      active = value;
      for (const p of pumps.values()) p.notify();
    },
  };
}
