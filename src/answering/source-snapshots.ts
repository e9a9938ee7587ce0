import type { Logger } from 'pino';
import type { SourceList } from '../integrations/source-answer';
import type { Figures } from './last-known-stock';

export interface SourceSnapshot {
  /** When the request that brought it was sent: its figures are at least this fresh. */
  takenAt: number;
  items: ReadonlyMap<string, Figures>;
}

/**
 * The whole-list snapshots of the sources that have one (SyncInventory), shared by every question: a snapshot taken
 * at most `maxAgeMs` ago answers at once; otherwise the question joins the last refresh if it was sent within
 * `maxAgeMs` (in flight, or failed: then last known figures answer), or starts one. So a source gets at most one
 * request per `maxAgeMs`, however many questions come (one that never answers: one a window, each bounded by its
 * timeout).
 */
export function createSourceSnapshots(deps: { maxAgeMs: number; log: Logger; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const held = new Map<string, SourceSnapshot>();
  // The last refresh per source, kept (settled or not) for its window: a failure is not asked again at once either.
  const latest = new Map<string, { sentAt: number; snapshot: Promise<SourceSnapshot> }>();

  function refresh(name: string, list: SourceList): Promise<SourceSnapshot> {
    const sentAt = now();
    const snapshot = list().then(
      (items) => {
        const snap = { takenAt: sentAt, items };
        // Refreshes may overlap (a slow source): an older one landing last does not replace a newer snapshot.
        if ((held.get(name)?.takenAt ?? -Infinity) <= sentAt) held.set(name, snap);
        return snap;
      },
      (err: Error) => {
        // Once per failed refresh, not once per question that waited for it.
        deps.log.warn({ source: name, reason: err.message }, 'source list failed; answering from last known');
        throw err;
      },
    );
    snapshot.catch(() => undefined);
    latest.set(name, { sentAt, snapshot });
    return snapshot;
  }

  return {
    /** The source's snapshot if it is recent enough to answer a question asked now, without a request. */
    current(name: string): SourceSnapshot | undefined {
      const snap = held.get(name);
      return snap && now() - snap.takenAt <= deps.maxAgeMs ? snap : undefined;
    },
    /** The snapshot of a request sent within `maxAgeMs` (joined: in flight or settled) or from now (started). */
    next(name: string, list: SourceList): Promise<SourceSnapshot> {
      const f = latest.get(name);
      return f && now() - f.sentAt <= deps.maxAgeMs ? f.snapshot : refresh(name, list);
    },
  };
}

export type SourceSnapshots = ReturnType<typeof createSourceSnapshots>;
