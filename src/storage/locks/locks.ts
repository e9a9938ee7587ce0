/** Named leases across processes (a sync run, a reconcile). Each method is one transaction. */
export interface Locks {
  /** True if taken: free, expired, or already ours (then extended to now + leaseMs). */
  acquire(name: string, owner: string, leaseMs: number, now: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
}
