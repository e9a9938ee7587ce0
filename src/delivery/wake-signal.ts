/**
 * A loop's sleep that new work can cut short. A `notify()` that arrives while the loop is busy is remembered, so
 * the next `wait()` returns at once instead of missing it; the loop calls `reset()` at the top of each pass.
 */
export function createWakeSignal() {
  let dirty = false;
  let waiter: (() => void) | null = null;
  return {
    notify() {
      dirty = true;
      const w = waiter;
      waiter = null;
      w?.();
    },
    reset() {
      dirty = false;
    },
    wait(ms: number): Promise<void> {
      return new Promise((resolve) => {
        if (dirty) return resolve();
        const timer = setTimeout(() => {
          waiter = null;
          resolve();
        }, ms);
        waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}
