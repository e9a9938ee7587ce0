import type { ItemState } from './deliveries';

/** A nullable numeric column as both drivers return it (numbers, numeric strings or BIGINTs read as numbers). */
export const nullableNumber = (v: unknown): number | null => (v == null ? null : Number(v));

/** An `items` row as both drivers read it (`dead` is 0/1 in SQLite and a boolean in PostgreSQL). */
export function toItemState(r: Record<string, unknown>): ItemState {
  return {
    target: String(r.target),
    item: String(r.item),
    version: Number(r.version),
    deliveredVersion: Number(r.delivered_version),
    dueAt: nullableNumber(r.due_at),
    dueSince: nullableNumber(r.due_since),
    priority: nullableNumber(r.priority),
    attempts: Number(r.attempts),
    firstFailedAt: nullableNumber(r.first_failed_at),
    lastError: (r.last_error as string | null) ?? null,
    lastStatus: nullableNumber(r.last_status),
    dead: r.dead === true || Number(r.dead) === 1,
    deadReason: (r.dead_reason as string | null) ?? null,
    updatedAt: Number(r.updated_at),
  };
}
