import { HttpTransportError } from './http-client/http-client';
import type { PeerClass } from './http-client/classify-status';
import type { TargetFigure } from '../storage/stores';

/** What became of one item of a send, as the peer answered it (per item: a 200 alone never means delivered). */
export interface WriteResult {
  outcome: PeerClass;
  status: number | null;
  /** Safe to show an operator: the peer's own message or a short excerpt; never a credential. */
  message: string;
  /** The peer asked the whole target to wait this long (Retry-After, a spent cost budget): every send holds. */
  retryAfterMs?: number;
  /** Only this item must wait this long (e.g. Ozon's minimum interval per item-warehouse pair). */
  itemRetryAfterMs?: number;
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

/** One item of a send: its CRM figures (after the target's mapping) as read at send time, and their version. */
export interface BatchEntry {
  item: string;
  rows: readonly TargetFigure[];
  version: number;
}

/** What a target declares, so the worker batches and paces it and the operator views can describe it. */
export interface TargetCapabilities {
  /** The most items one send may carry (1: one item per request). */
  maxBatch: number;
  /** How the shop knows an item, in plain words (e.g. "SKU, looked up as a product or variation id"). */
  identifiedBy: string;
  /** `per-warehouse`: a figure per mapped location; `summed`: one stock, the sum of the listed CRM warehouses. */
  locations: 'per-warehouse' | 'summed';
  /** The config fields that hold the credentials (named when the shop refuses them). */
  credentials: string;
  limits: {
    requestsPerSecond: number;
    /** A cost budget the shop meters in points per second (Shopify), kept by the target itself. */
    costPerSecond?: number;
    /** The shortest time between two writes of the same item (Ozon's per-pair interval); the worker keeps it. */
    minItemIntervalMs?: number;
  };
}

/** What a send may ask of the worker. */
export interface SendContext {
  /** Wait for the target's rate before each request after the first of a send (a lookup, another batch route). */
  pace(): Promise<void>;
}

/** A system that takes absolute stock, in batches of up to `capabilities.maxBatch` items. */
export interface PushTarget {
  readonly name: string;
  readonly capabilities: TargetCapabilities;
  /** Send absolute figures for these items; exactly one result per entry, in the same order. */
  writeBatch(entries: readonly BatchEntry[], ctx: SendContext): Promise<WriteResult[]>;
  /** Ask the shop for its current figure of one item (not every target type can). */
  read?(item: string): Promise<LiveFigure>;
  /** The shop's own identifier for an item as last resolved, in words (undefined: not resolved, or none needed). */
  shopIdOf?(item: string): string | undefined;
}

/**
 * A request that got no answer (refused, timed out, or not sent because the shop's Retry-After pause still runs):
 * retried, keeping the pause. Anything but a transport failure is a bug and is thrown on.
 */
export function transportRetry(err: unknown, started: number): WriteResult {
  if (!(err instanceof HttpTransportError)) throw err;
  return {
    outcome: 'retry',
    status: null,
    message: err.message,
    retryAfterMs: err.retryAfterMs,
    durationMs: Date.now() - started,
  };
}

/** A pace for the requests of one send: the worker took the slot of the first; every further one waits for its own. */
export function afterFirst(ctx: SendContext): () => Promise<void> {
  let first = true;
  return async () => {
    if (first) first = false;
    else await ctx.pace();
  };
}

/** Writes the entries at `indexes` whose slot in `out` is still empty into that slot, pacing each request. */
export type WriteSome = (
  entries: readonly BatchEntry[],
  indexes: number[],
  out: WriteResult[],
  pace: () => Promise<void>,
) => Promise<void>;

/**
 * Send a batch for a target that caches the shop's own id per item; an item the shop answers "not found" under a
 * cached id (deleted and made again, moved) is forgotten, looked up and sent once more. `explain` words the
 * answer of an item still not found after that, from what the shop said the first time.
 */
export async function writeResolvingAgain<Id>(
  entries: readonly BatchEntry[],
  ctx: SendContext,
  cache: Map<string, Id>,
  writeSome: WriteSome,
  explain: (entry: BatchEntry, first: WriteResult, again: WriteResult, was: Id) => string,
): Promise<WriteResult[]> {
  const pace = afterFirst(ctx);
  const out = new Array<WriteResult>(entries.length);
  await writeSome(
    entries,
    entries.map((_, i) => i),
    out,
    pace,
  );
  const gone = out.flatMap((r, i) => (r.outcome === 'not-found' && cache.has(entries[i].item) ? [i] : []));
  if (!gone.length) return out;
  const first = new Map(gone.map((i) => [i, { said: out[i], was: cache.get(entries[i].item)! }]));
  for (const i of gone) {
    cache.delete(entries[i].item);
    // writeSome fills only the empty slots.
    (out as Array<WriteResult | undefined>)[i] = undefined;
  }
  await writeSome(entries, gone, out, pace);
  for (const i of gone) {
    if (out[i].outcome !== 'not-found') continue;
    const { said, was } = first.get(i)!;
    out[i] = { ...said, message: explain(entries[i], said, out[i], was) };
  }
  return out;
}

/** The same result for every item of a send (the whole request failed, or succeeded as one). */
export function sameForAll(entries: readonly BatchEntry[], res: WriteResult): WriteResult[] {
  return entries.map(() => ({ ...res }));
}

/** A target written one item per request: a send of several items is sent one by one, each within the rate. */
export async function oneByOne(
  entries: readonly BatchEntry[],
  ctx: SendContext,
  write: (e: BatchEntry) => Promise<WriteResult>,
): Promise<WriteResult[]> {
  const out: WriteResult[] = [];
  for (const [i, e] of entries.entries()) {
    if (i > 0) await ctx.pace();
    out.push(await write(e));
  }
  return out;
}
