/**
 * How a peer's answer is classified (logged as `class`), once for every peer:
 * ok; retry (408, 429, 5xx, timeouts, connection errors); auth (401/403: pause, never loop);
 * not-found (404: dead letter); redirect (3xx: a wrong base URL); permanent (other 4xx).
 */
export type PeerClass = 'ok' | 'retry' | 'auth' | 'not-found' | 'redirect' | 'permanent';

export function classifyStatus(status: number): PeerClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 300 && status < 400) return 'redirect';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'permanent';
}

/** The longest wait a peer's Retry-After can impose: a larger one is read as this (not years of silence). */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/**
 * Retry-After as milliseconds from now: delta-seconds or an HTTP date, at most MAX_RETRY_AFTER_MS. Undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Math.round(Number(trimmed) * 1000);
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
