import crypto from 'node:crypto';

/** Constant-time comparison that also hides the secret's length (both sides are hashed to 32 bytes first). */
export function safeEqual(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
