import type { Logger } from 'pino';
import type { TargetConfig } from '../config/config-types';
import { backoffDelay } from '../http/backoff';
import type { CallbackRecord, Projection, Storage } from '../storage/storage';
import { normalizeOffers } from '../intake/normalize-offers';
import { projectOffers } from './project-offers';

const UNBOUNDED = { maxOffers: Infinity, maxIdLength: Infinity, maxQuantity: Infinity };

export interface Projector {
  /** Ask for a run now (after a commit); runs never overlap, and a kick during a run causes one more pass. */
  kick(): void;
  /** Resolves when everything stored so far has been projected. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Turns the callback log, in sequence order, into desired stock per (target, item, warehouse). Each batch and
 * the cursor move in one transaction, so a crash neither skips nor repeats a callback.
 */
export function createProjector(deps: {
  storage: Storage;
  targets: readonly TargetConfig[];
  log: Logger;
  batchSize?: number;
  onDue?: (targets: string[]) => void;
}): Projector {
  const batchSize = deps.batchSize ?? 50;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;

  // Records were validated at intake; normalise again without limits (a later, stricter config must not strand
  // an accepted callback). A record that cannot be read is logged and skipped, never retried forever.
  function derive(rec: CallbackRecord): Projection {
    const r = normalizeOffers(rec.offers, UNBOUNDED);
    if ('errors' in r) {
      deps.log.error(
        { seq: rec.seq, errors: r.errors },
        'stored callback is unreadable; skipped (it stays in the callback log)',
      );
      return { rows: [], unmapped: [] };
    }
    return projectOffers(r.offers, deps.targets);
  }

  async function runOnce(): Promise<void> {
    for (;;) {
      const res = await deps.storage.project(batchSize, derive, Date.now());
      if (res.dueItems > 0) deps.onDue?.(deps.targets.map((t) => t.name));
      if (res.callbacks > 0)
        deps.log.debug(
          { callbacks: res.callbacks, changedRows: res.changedRows, dueItems: res.dueItems, cursor: res.cursor },
          'projected',
        );
      if (res.callbacks < batchSize || stopped) return;
      // Let requests in between batches: without this the catch-up would hold the event loop to the end.
      await new Promise((r) => setImmediate(r));
    }
  }

  function kick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await runOnce();
          failures = 0;
        } catch (err) {
          failures++;
          const wait = backoffDelay(failures, { baseMs: 200, maxMs: 30_000 });
          deps.log.error(
            { err: (err as Error).message, retryInMs: wait },
            'projector failed; nothing was applied from that batch, retrying',
          );
          await new Promise((r) => setTimeout(r, wait));
          again = !stopped;
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  }

  return {
    kick,
    async idle() {
      for (;;) {
        if (running) await running;
        const [cursor, latest] = await Promise.all([deps.storage.projectorCursor(), deps.storage.latestSeq()]);
        if (cursor >= latest || stopped) return;
        kick();
      }
    },
    async stop() {
      stopped = true;
      if (running) await running;
    },
  };
}
