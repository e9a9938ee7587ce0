import type { PeerClass } from './http-client/classify-status';
import type { TargetFigure } from '../storage/stores';

export interface WriteResult {
  outcome: PeerClass;
  status: number | null;
  /** Safe to show an operator: the peer's own message or a short excerpt; never a credential. */
  message: string;
  retryAfterMs?: number;
  durationMs: number;
}

/** What the shop holds for one item right now, as it answers (for an operator's check). */
export interface LiveFigure {
  ok: boolean;
  status: number | null;
  /** `{stock}` or `{warehouses: {name: stock}}` when ok; otherwise undefined. */
  figures?: Record<string, unknown>;
  /** The peer's message when not ok; never a credential. */
  message: string;
}

/** A system that takes absolute stock for one item at a time. */
export interface PushTarget {
  readonly name: string;
  write(item: string, rows: readonly TargetFigure[], version: number): Promise<WriteResult>;
  /** Ask the shop for its current figure of one item (not every target type can). */
  read?(item: string): Promise<LiveFigure>;
}
