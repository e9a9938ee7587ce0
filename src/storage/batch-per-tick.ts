export interface BatchPerTick<T, R> {
  (item: T): Promise<R>;
  /** Resolves once nothing is queued or running (before closing what `run` writes to). */
  drain(): Promise<void>;
}

/**
 * Group what is submitted during one turn of the event loop and run it as one batch (one transaction, one
 * fsync): each caller's promise settles with its own result once the whole batch has run, or all reject together.
 * Used for intake's callback log and for the worker's per-item bookkeeping.
 */
export function batchPerTick<T, R>(run: (items: T[]) => Promise<R[]>): BatchPerTick<T, R> {
  let pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  let running = Promise.resolve();
  const submit = (item: T) =>
    new Promise<R>((resolve, reject) => {
      if (pending.length === 0) {
        setImmediate(() => {
          const batch = pending;
          pending = [];
          running = run(batch.map((b) => b.item)).then(
            (results) => batch.forEach((b, i) => b.resolve(results[i])),
            (e) => batch.forEach((b) => b.reject(e)),
          );
        });
      }
      pending.push({ item, resolve, reject });
    });
  return Object.assign(submit, {
    async drain() {
      while (pending.length) await new Promise((r) => setImmediate(r));
      await running;
    },
  });
}
