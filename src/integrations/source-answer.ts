import { HttpTransportError, type HttpClient } from './http-client/http-client';

/**
 * What every pull source's reader shares: the snapshot shape, the one GET, the JSON reading and the quantity rule
 * (documented in the README):
 * numbers or numeric strings; negative stock is clamped to 0 (ERPs report oversold stock below zero, and the
 * CRM's availability cannot be negative); fractions are floored; anything unreadable is skipped with a warning.
 */

/** A peer's scalar as text; an object or list (where a scalar was expected) as its JSON, never "[object Object]". */
export function peerText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return v === null || v === undefined ? '' : (JSON.stringify(v) ?? '');
}
export interface SnapshotItem {
  key: string;
  stores: Record<string, number>;
}
export interface Snapshot {
  items: SnapshotItem[];
  unmapped: Array<{ ref: string; reason: string }>;
  warnings: string[];
}

export function sourceQuantity(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) return undefined;
  return n < 0 ? 0 : Math.floor(n);
}

export class SourceAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceAnswerError';
  }
}

function excerpt(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}

/** Parse an HTTP body as JSON; an HTML page or garbage becomes a SourceAnswerError with a short excerpt. */
export function parseJsonAnswer(text: string, status: number, what: string): unknown {
  if (/^\s*</.test(text))
    throw new SourceAnswerError(`${what} answered an HTML page (HTTP ${status}): "${excerpt(text)}"`);
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceAnswerError(`${what} answered something that is not JSON (HTTP ${status}): "${excerpt(text)}"`);
  }
}

export interface PullProgress {
  (event: { phase: string; read: number; total?: number }): void;
}

/** A system that can only be read: one snapshot of stock, mapped to CRM offers and warehouse codes. */
export interface PullSource {
  readonly name: string;
  pull(progress?: PullProgress): Promise<Snapshot>;
}

/**
 * Ask a source about one offer (its `offerKey` value): CRM warehouse code → quantity, `null` when the source does
 * not know the offer, a thrown error when it could not answer. Quantities follow the sync rules above.
 */
export type SourceLookup = (key: string) => Promise<Record<string, number> | null>;

/**
 * Read every offer a source lists in one request (where its API allows it): offer key → CRM warehouse code →
 * quantity, with the same rules as a lookup; an offer absent from the list is one the source does not know.
 */
export type SourceList = () => Promise<Map<string, Record<string, number>>>;

/** One GET of a source, its answer parsed as JSON; transport failures become a SourceAnswerError. */
export async function getJson(
  http: HttpClient,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  what: string,
): Promise<{ status: number; body: unknown }> {
  let res;
  try {
    res = await http.request({ method: 'GET', url, headers: { Accept: 'application/json', ...headers }, timeoutMs });
  } catch (e) {
    if (e instanceof HttpTransportError) throw new SourceAnswerError(`${what}: ${e.message}`);
    throw e;
  }
  return { status: res.status, body: parseJsonAnswer(res.text, res.status, what) };
}
