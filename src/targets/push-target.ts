import type { Outcome } from '../http/classify-status';
import type { DesiredRow } from '../storage/stores';

export interface WriteResult {
  outcome: Outcome;
  status: number | null;
  /** Safe to show an operator: the peer's own message or a short excerpt; never a credential. */
  message: string;
  retryAfterMs?: number;
  durationMs: number;
}

/** A system that takes absolute stock for one item at a time. */
export interface PushTarget {
  readonly name: string;
  write(item: string, rows: readonly DesiredRow[], version: number): Promise<WriteResult>;
}
