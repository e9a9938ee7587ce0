/**
 * Renew a claim's lease while its work is in progress, so the lease never expires under a slow send or a long
 * in-client retry chain (Retry-After). Renewal every third of the lease leaves two chances before it lapses.
 * `renew` resolves false once the claim is lost; renewal then stops (the outcome write is fenced anyway).
 */
export async function keepLease<T>(
  leaseMs: number,
  renew: (until: number) => Promise<boolean>,
  work: () => Promise<T>,
  onLost: () => void,
  now: () => number = Date.now,
): Promise<T> {
  let lost = false;
  // Renewals that fail (storage unreachable) are retried at the next tick; once the lease has run out without one
  // succeeding, the claim counts as lost, the same as a refused renewal (the outcome write is fenced either way).
  let heldUntil = now() + leaseMs;
  const lose = () => {
    if (lost) return;
    lost = true;
    clearInterval(timer);
    onLost();
  };
  const timer = setInterval(
    () => {
      const until = now() + leaseMs;
      void renew(until).then(
        (ok) => (ok ? (heldUntil = until) : lose()),
        () => (now() >= heldUntil ? lose() : undefined),
      );
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
