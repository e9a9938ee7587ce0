import crypto from 'node:crypto';
import { NEW_SECRET_KEY_ENV, readSecretKey, SECRET_KEY_ENV } from '../accounts/secret-box';
import { resealPart } from '../accounts/stored-accounts';
import { createLogger } from '../log/create-logger';
import { openStorage } from '../storage/open-storage';
import { loadCliConfig, type CliIo } from './cli-env';
import { CONFIG_OPTION, parseCliArgs, type CommandSpec } from './parse-cli-args';

export const ROTATE_USAGE: CommandSpec = {
  usage: 'npm run rotate-secret-key -- [options]',
  summary:
    `Re-seals every connected account's secrets from ${SECRET_KEY_ENV} (the current key) to ${NEW_SECRET_KEY_ENV}\n` +
    '(the new one), one account per transaction: interrupted, run it again and it goes on where it stopped. Stop\n' +
    `the hub first; start it afterwards with ${SECRET_KEY_ENV} set to the new key.\n` +
    'Exit 0 every account under the new key, 1 some could not be re-sealed or busy, 2 configuration or usage.',
  options: { config: CONFIG_OPTION },
};

const LOCK = 'rotate-secret-key';
const LEASE_MS = 60_000;

/** `npm run rotate-secret-key`. Resumable: an account already under the new key is left as it is. */
export async function rotateSecretKeyCommand(
  io: CliIo & { afterEach?: (name: string) => void | Promise<void> },
): Promise<number> {
  const args = parseCliArgs(io, ROTATE_USAGE);
  if (!args.ok) return args.code;
  const config = loadCliConfig(io, args.values.config as string | undefined);
  if (!config) return 2;
  const from = readSecretKey(io.env, SECRET_KEY_ENV);
  const to = readSecretKey(io.env, NEW_SECRET_KEY_ENV);
  for (const k of [from, to])
    if ('error' in k) {
      io.err(k.error);
      return 2;
    }
  const old = 'box' in from ? from.box : null;
  const next = 'box' in to ? to.box : null;
  if (!old || !next) {
    io.err(
      `set ${SECRET_KEY_ENV} to the current key and ${NEW_SECRET_KEY_ENV} to the new one (32 random bytes, base64: ` +
        `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")`,
    );
    return 2;
  }
  if (old.keyId === next.keyId) {
    io.err(`${NEW_SECRET_KEY_ENV} is the same key as ${SECRET_KEY_ENV}: nothing to rotate`);
    return 2;
  }
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn' });
  const { stores } = await openStorage(config, log, { role: 'command' });
  const owner = `rotate-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    if (!(await stores.locks.acquire(LOCK, owner, LEASE_MS, Date.now()))) {
      io.err('another rotate-secret-key is running; run this one again once it has finished');
      return 1;
    }
    const rows = await stores.accounts.list();
    let done = 0;
    let already = 0;
    const failed: string[] = [];
    for (const row of rows) {
      await stores.locks.acquire(LOCK, owner, LEASE_MS, Date.now());
      if (row.keyId === next.keyId) {
        already++;
        continue;
      }
      if (row.keyId !== old.keyId) {
        failed.push(`${row.name}: sealed with a third key (id ${row.keyId}), neither of these two`);
        continue;
      }
      let sealed: string;
      try {
        sealed = resealPart(old, next, row);
      } catch (e) {
        failed.push(`${row.name}: ${(e as Error).message}`);
        continue;
      }
      if (await stores.accounts.reseal(row.name, old.keyId, next.keyId, sealed)) done++;
      else already++; // re-sealed meanwhile (another run, before this one took the lock)
      io.out(`re-sealed ${row.name}`);
      await io.afterEach?.(row.name);
    }
    io.out(
      `${done} account(s) re-sealed under key ${next.keyId}, ${already} already were, ${failed.length} could not be` +
        ` (of ${rows.length})`,
    );
    for (const f of failed) io.err(`  ${f}`);
    if (failed.length) return 1;
    io.out(`done: start the hub with ${SECRET_KEY_ENV} set to the new key (key id ${next.keyId})`);
    return 0;
  } finally {
    await stores.locks.release(LOCK, owner);
    await stores.close();
  }
}
