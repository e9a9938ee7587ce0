import crypto from 'node:crypto';
import { createSecretBox, readSecretKey, SecretBoxError } from '../../../src/accounts/secret-box';
import { keyProblem, openPart, sealPart, type SealedPart } from '../../../src/accounts/stored-accounts';
import type { StoredAccount } from '../../../src/storage/stores';

/** The seal that keeps connected accounts' secrets at rest, and the start-up message when rows do not open. */
describe('secret box (AES-256-GCM) and the key problems at start-up', () => {
  const box = createSecretBox(crypto.randomBytes(32));
  const part: SealedPart = {
    apiKey: 'crm-key-SECRET',
    clientId: 'c'.repeat(64),
    shipmentsToken: null,
    targets: [{ name: 'shop', apiKey: 'shop-key-SECRET' }],
    sources: [],
  };
  const row = (name: string, keyId: string): StoredAccount =>
    ({ name, keyId, sealed: sealPart(box, name, part).sealed }) as StoredAccount;

  it('seals with a fresh IV each time, holds no plaintext, and opens only with the same key and account', () => {
    const a = sealPart(box, 'acme', part);
    const b = sealPart(box, 'acme', part);
    expect(a.sealed).not.toBe(b.sealed);
    expect(a.sealed).toMatch(/^sb1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a.sealed).not.toContain('SECRET');
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(openPart(box, { name: 'acme', sealed: a.sealed })).toEqual(part);
    // Bound to its row's name: copied into another account's row it does not open.
    expect(() => openPart(box, { name: 'beta', sealed: a.sealed })).toThrow(SecretBoxError);
    const other = createSecretBox(crypto.randomBytes(32));
    expect(other.keyId).not.toBe(box.keyId);
    expect(() => openPart(other, { name: 'acme', sealed: a.sealed })).toThrow(SecretBoxError);
  });

  it('refuses a changed ciphertext or tag (GCM authentication), without echoing the value', () => {
    const sealed = box.seal('secret-value', 'aad');
    const [v, iv, tag, ct] = sealed.split('.');
    const flip = (s: string) =>
      Buffer.from(Buffer.from(s, 'base64url').map((x, i) => (i === 0 ? x ^ 1 : x))).toString('base64url');
    for (const changed of [
      [v, iv, tag, flip(ct)],
      [v, iv, flip(tag), ct],
      [v, flip(iv), tag, ct],
    ].map((p) => p.join('.'))) {
      expect(() => box.open(changed, 'aad')).toThrow(/does not open with this key/);
    }
    expect(() => box.open('plain text', 'aad')).toThrow('not a sealed value');
  });

  it('reads the key from the environment: absent → none, malformed → how to make one (never the value)', () => {
    expect(readSecretKey({})).toEqual({ box: null });
    const good = crypto.randomBytes(32).toString('base64');
    const read = readSecretKey({ STOCKBRIDGE_SECRET_KEY: good });
    expect('box' in read && read.box?.keyId).toMatch(/^[0-9a-f]{16}$/);
    for (const bad of ['too-short-SECRET', crypto.randomBytes(16).toString('base64'), `${good}!`]) {
      const r = readSecretKey({ STOCKBRIDGE_SECRET_KEY: bad });
      expect('error' in r && r.error).toMatch(/must be 32 random bytes in base64.*openssl rand -base64 32/);
      expect(JSON.stringify(r)).not.toContain(bad);
    }
    expect(() => createSecretBox(Buffer.alloc(16))).toThrow('the key must be 32 bytes, not 16');
  });

  it('says what to do: no key, another key, or rows under two keys (a rotation interrupted)', () => {
    expect(keyProblem([], null)).toBeNull(); // a file-only deployment needs no key
    expect(keyProblem([row('acme', box.keyId)], box)).toBeNull();
    expect(keyProblem([row('acme', box.keyId)], null)).toMatch(/1 connected account\(s\).*is not set: set it/);
    const other = createSecretBox(crypto.randomBytes(32));
    const wrong = keyProblem([row('acme', box.keyId)], other)!;
    expect(wrong).toMatch(/1 of 1 connected account\(s\) were sealed with another key/);
    expect(wrong).not.toMatch(/rotation/);
    const mixed = keyProblem([row('acme', box.keyId), row('beta', other.keyId)], other)!;
    expect(mixed).toMatch(/1 of 2 .*a key rotation was interrupted; run `npm run rotate-secret-key` again/);
  });
});
