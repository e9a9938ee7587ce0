/** Counts work in flight and lets shutdown wait for it, up to a bound. */
export function createInFlight() {
  let count = 0;
  let idle: Array<() => void> = [];
  return {
    get count() {
      return count;
    },
    /** Track one piece of work; `after` runs when it settles, whatever the outcome. */
    track(work: Promise<unknown>, after: () => void): void {
      count++;
      void work.finally(() => {
        count--;
        after();
        if (count === 0) {
          idle.forEach((r) => r());
          idle = [];
        }
      });
    },
    /** Resolves true when nothing is in flight, false if `ms` passed first. */
    drained(ms: number): Promise<boolean> {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        idle.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}
