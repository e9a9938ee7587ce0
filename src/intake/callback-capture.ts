export type CapturedReading = 'figures' | 'offers-question' | 'order-question' | 'mixed' | 'unknown' | 'rejected';

export interface CapturedCallback {
  at: string;
  /** The account whose clientId came with it. */
  account?: string;
  reading: CapturedReading;
  status: number;
  offers: number;
  answered: number;
  body: string;
  answer: unknown;
  /** A question's answer, per source: how many offers came from its snapshot, lookups, last known, or nowhere. */
  from?: Record<string, Partial<Record<string, number>>>;
  /** Why a rejected callback was refused (the message the CRM was answered with), else null. */
  reason: string | null;
}

export interface CallbackCapture {
  /** `secret`: the account's clientId, masked wherever it appears (besides any `clientId` field). */
  add(
    entry: Omit<CapturedCallback, 'body' | 'at' | 'reason'> & {
      rawBody: string;
      reason?: string | null;
      secret?: string;
    },
  ): void;
  /** Newest first. */
  recent(): CapturedCallback[];
}

/**
 * The last `size` inventoriesUpload callbacks of any shape, per process (in memory, lost on restart), so the first
 * real call shows its shape. Bodies are size-capped and `clientId` is masked before anything is kept.
 */
export function createCallbackCapture(opts: {
  clientId: string;
  size?: number;
  maxBodyChars?: number;
}): CallbackCapture {
  const size = opts.size ?? 100;
  const maxChars = opts.maxBodyChars ?? 4096;
  const ring: CapturedCallback[] = [];
  let next = 0;
  return {
    add({ rawBody, reason, secret = opts.clientId, ...rest }) {
      const mask = (text: string) => maskClientId(text, secret);
      // Only what is kept is masked: a window long enough that any secret starting inside the kept part is whole in
      // it (encoded forms are at most 3× longer), so a large body costs nothing beyond its first few KB.
      const window = maxChars + 3 * secret.length + 64;
      const masked = mask(rawBody.length > window ? rawBody.slice(0, window) : rawBody);
      const cut = rawBody.length > maxChars;
      const body = cut ? `${masked.slice(0, maxChars)}… (${rawBody.length} characters)` : masked;
      // A refusal can quote what was sent: masked like the body.
      const entry = { at: new Date().toISOString(), ...rest, body, reason: reason ? mask(reason) : null };
      if (ring.length < size) ring.push(entry);
      else ring[next] = entry;
      next = (next + 1) % size;
    },
    recent() {
      const ordered = ring.length < size ? ring.slice() : [...ring.slice(next), ...ring.slice(0, next)];
      return ordered.reverse();
    },
  };
}

/** Any `clientId` value (form or JSON) becomes `***`, and so does the configured secret wherever else it appears. */
export function maskClientId(text: string, clientId: string): string {
  let out = text
    .replace(/(clientId=)[^&]*/g, '$1***')
    .replace(/("clientId"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\s]*)/g, '$1"***"');
  if (clientId) {
    for (const form of new Set([clientId, encodeURIComponent(clientId), JSON.stringify(clientId).slice(1, -1)]))
      out = out.split(form).join('***');
  }
  return out;
}
