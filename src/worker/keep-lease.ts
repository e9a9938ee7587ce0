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
): Promise<T> {
  let lost = false;
  const timer = setInterval(
    () => {
      void renew(Date.now() + leaseMs).then(
        (ok) => {
          if (!ok && !lost) {
            lost = true;
            clearInterval(timer);
            onLost();
          }
        },
        () => undefined,
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
