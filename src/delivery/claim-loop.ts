import type { Logger } from 'pino';
import { createInFlight } from './in-flight';
import { createWakeSignal } from './wake-signal';
import type { Claimed } from '../storage/stores';

export interface ClaimLoopDeps<C> {
  log: Logger;
  pollMs: number;
  /**
   * How long to sleep when nothing is due at all (default pollMs): work that becomes due wakes the loop (`notify`),
   * so this is only the safety net; longer keeps thousands of idle loops cheap.
   */
  idleMs?: number;
  concurrency: number;
  /** How many to claim when nothing is queued (work beyond `concurrency` waits in the queue). */
  claimLimit(): number;
  /** Whether work may start now (false while paused or inactive: queued work is released). */
  ready(): boolean;
  claim(limit: number, now: number): Promise<Claimed<C>>;
  /** Told when the work moves to or from another instance (a claim that came back "not mine"). */
  onOwnership?(mine: boolean): void;
  /** Process one claimed unit; it is tracked in flight until it settles. */
  run(c: C, claimedAt: number): Promise<void>;
  /** Give queued, unstarted claims back (paused, inactive, stopping). */
  release(items: C[]): Promise<void>;
  /** When something becomes claimable next, to sleep until then (capped by pollMs). */
  nextDueAt(): Promise<number | null>;
  describe(c: C): Record<string, unknown>;
}

export interface ClaimLoop {
  start(): void;
  notify(): void;
  /** Stop claiming, release the queue, wait for the loop; then `drained(ms)` waits for work in flight. */
  stop(): Promise<void>;
  drained(ms: number): Promise<boolean>;
  readonly inFlight: number;
  /** False while another instance owns this work (its last claim said "not mine"). */
  readonly mine: boolean;
}

/** The one claim → track in flight → next due → wait loop, shared by the stock worker and the shipment worker. */
export function createClaimLoop<C>(deps: ClaimLoopDeps<C>): ClaimLoop {
  const inflight = createInFlight();
  const signal = createWakeSignal();
  let queue: Array<{ c: C; claimedAt: number }> = [];
  let stopping = false;
  let running: Promise<void> | null = null;
  let mine = true;

  async function releaseQueue() {
    if (queue.length === 0) return;
    const q = queue;
    queue = [];
    await deps.release(q.map((x) => x.c));
  }

  async function pass(): Promise<number> {
    while (inflight.count < deps.concurrency && !stopping && deps.ready()) {
      if (queue.length === 0) {
        const now = Date.now();
        const claimed = await deps.claim(deps.claimLimit(), now);
        if (mine === (claimed.notMine === true)) {
          mine = !mine;
          deps.onOwnership?.(mine);
        }
        queue = claimed.map((c) => ({ c, claimedAt: now }));
        if (queue.length === 0) break;
      }
      const { c, claimedAt } = queue.shift()!;
      inflight.track(
        deps
          .run(c, claimedAt)
          .catch((err: Error) =>
            deps.log.error(
              { ...deps.describe(c), err: err.message },
              'bookkeeping failed; the lease expires and the work is retried',
            ),
          ),
        () => signal.notify(),
      );
    }
    if (inflight.count >= deps.concurrency || queue.length > 0 || !deps.ready()) return deps.pollMs;
    const next = await deps.nextDueAt();
    return next === null ? (deps.idleMs ?? deps.pollMs) : Math.max(5, Math.min(deps.pollMs, next - Date.now()));
  }

  async function loop() {
    while (!stopping) {
      signal.reset();
      let waitMs = deps.pollMs;
      try {
        if (!deps.ready()) await releaseQueue();
        else waitMs = await pass();
      } catch (err) {
        deps.log.error({ err: (err as Error).message }, 'could not claim work; retrying');
      }
      await signal.wait(waitMs);
    }
    await releaseQueue();
  }

  return {
    start() {
      running = loop();
    },
    notify: () => signal.notify(),
    async stop() {
      stopping = true;
      signal.notify();
      await running;
    },
    drained: (ms) => inflight.drained(ms),
    get inFlight() {
      return inflight.count;
    },
    get mine() {
      return mine;
    },
  };
}
