import crypto from 'node:crypto';

/** Constant-time comparison that also hides the secret's length (both sides are hashed to 32 bytes first). */
export function safeEqual(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

/** The same against a fixed secret, hashed once (every callback and admin request compares against one). */
export function safeEqualTo(expected: string): (given: string) => boolean {
  const b = digest(expected);
  return (given) => crypto.timingSafeEqual(digest(given), b);
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
