import crypto from 'node:crypto';

/** The environment variable holding the key that seals connected accounts' secrets (32 bytes, base64). */
export const SECRET_KEY_ENV = 'STOCKBRIDGE_SECRET_KEY';
/** The key `npm run rotate-secret-key` re-seals under (32 bytes, base64). */
export const NEW_SECRET_KEY_ENV = 'STOCKBRIDGE_NEW_SECRET_KEY';

/**
 * AES-256-GCM under one key. A sealed value is `sb1.<iv>.<tag>.<ciphertext>` (base64url); the key's id (the first
 * 16 hex digits of SHA-256 over a fixed label and the key) is stored beside it, so a row says which key sealed it
 * without revealing the key, and a wrong key is told apart from a damaged row.
 */
export interface SecretBox {
  readonly keyId: string;
  seal(plain: string, aad: string): string;
  /** Throws SecretBoxError when the value was not sealed by this key for this `aad` (or was changed). */
  open(sealed: string, aad: string): string;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const b64u = (b: Buffer) => b.toString('base64url');

export function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update('stockbridge secret key id\0').update(key).digest('hex').slice(0, 16);
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretBoxError(`the key must be 32 bytes, not ${key.length}`);
  const keyId = keyIdOf(key);
  return {
    keyId,
    seal(plain, aad) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `sb1.${b64u(iv)}.${b64u(c.getAuthTag())}.${b64u(ct)}`;
    },
    open(sealed, aad) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== 'sb1') throw new SecretBoxError('not a sealed value');
      const [iv, tag, ct] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
      try {
        const d = crypto.createDecipheriv('aes-256-gcm', key, iv);
        d.setAAD(Buffer.from(aad, 'utf8'));
        d.setAuthTag(tag);
        return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('the value does not open with this key (another key sealed it, or it was changed)');
      }
    },
  };
}

/** A fresh key, as the variable holds it (what to do when there is none is printed with this). */
export const newSecretKey = (): string => crypto.randomBytes(32).toString('base64');

/**
 * The key in `env[name]`: absent → null; present but not 32 bytes of base64 → an error saying how to make one.
 */
export function readSecretKey(
  env: Readonly<Record<string, string | undefined>>,
  name: string = SECRET_KEY_ENV,
): { box: SecretBox | null } | { error: string } {
  const raw = env[name]?.trim();
  if (!raw) return { box: null };
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32)
    return {
      error:
        `${name} must be 32 random bytes in base64 (44 characters), not ${raw.length} characters. Make one with ` +
        '`openssl rand -base64 32` and keep it safe: ' +
        'without it the connected accounts cannot be read.',
    };
  return { box: createSecretBox(bytes) };
}
