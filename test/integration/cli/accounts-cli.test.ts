import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { accountsCommand } from '../../../src/cli/accounts-command';
import { rotateSecretKeyCommand } from '../../../src/cli/rotate-secret-key-command';
import { registerCommand } from '../../../src/cli/register-command';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { loadConfig } from '../../../src/config/load-config';
import { readSecretKey } from '../../../src/accounts/secret-box';
import { StoredAccountsError } from '../../../src/compose/hub-connections';
import { accountRaw, rawAccountsConfig } from '../../helpers/accounts-config';
import { MODULE_FILE } from '../../helpers/accounts-rig';
import { silentLog, tmpDir, waitFor } from '../../helpers/test-config';

const newKey = () => crypto.randomBytes(32).toString('base64');
const boxOf = (k: string) => {
  const read = readSecretKey({ STOCKBRIDGE_SECRET_KEY: k });
  if ('error' in read) throw new Error(read.error);
  return read.box;
};

/** `npm run accounts` and `npm run rotate-secret-key`, run as commands against a fake CRM over a socket. */
describe('npm run accounts / rotate-secret-key', () => {
  let crm: FakeCrm;
  let other: FakeCrm;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    crm = await startFakeCrm({ apiKey: 'cli-key-SECRET-1' });
    other = await startFakeCrm({ apiKey: 'cli-key-SECRET-2' });
    dir = tmpDir();
    fs.copyFileSync(MODULE_FILE, path.join(dir, 'module-config.json'));
    fs.writeFileSync(
      path.join(dir, 'stockbridge.json'),
      JSON.stringify(
        rawAccountsConfig([accountRaw('acme', { targets: [] })], {
          storage: { driver: 'sqlite', path: path.join(dir, 'hub.db') },
          connect: { allowedHosts: [new URL(crm.url).host, new URL(other.url).host] },
        }),
      ),
    );
    env = { STOCKBRIDGE_SECRET_KEY: newKey(), KEY_1: 'cli-key-SECRET-1', KEY_2: 'cli-key-SECRET-2' };
  });
  afterAll(async () => {
    await crm.close();
    await other.close();
  });

  async function run(cmd: typeof accountsCommand, argv: string[], extraEnv: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await cmd({
      argv,
      env: { ...env, ...extraEnv },
      cwd: dir,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n'), all: [...out, ...err].join('\n') };
  }

  it('add connects through the same routine as the API (a refusal exits 1 with the reason), list and show', async () => {
    const refused = await run(accountsCommand, ['add', '--url', crm.url, '--api-key-env', 'KEY_2']);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.err).toContain('add: the CRM refused this API key');
    const badUrl = await run(accountsCommand, ['add', '--url', 'https://example.com', '--api-key-env', 'KEY_1']);
    expect(badUrl.code).toBe(1);
    expect(badUrl.err).toMatch(/not under a RetailCRM\/Simla domain/);
    expect((await run(accountsCommand, ['add', '--url', crm.url])).code).toBe(2);

    const added = await run(accountsCommand, ['add', '--url', crm.url, '--api-key-env', 'KEY_1', '--name', 'bravo']);
    expect(added.code).toBe(0);
    expect(added.out).toContain('connected "bravo":');
    expect(added.out).toContain(`crm:        ${crm.url} (site main-shop)`);
    const clientId = String(crm.modules.get('stockbridge')!.clientId);
    expect(added.all).not.toContain(clientId);
    expect(added.all).not.toContain('cli-key-SECRET-1');

    const again = await run(accountsCommand, ['add', '--url', crm.url, '--api-key-env', 'KEY_1']);
    expect(again.out).toContain('"bravo" was connected already: its key is replaced');
    expect(crm.modules.get('stockbridge')!.clientId).toBe(clientId);

    const list = await run(accountsCommand, ['list']);
    expect(list.out.split('\n')).toEqual([
      'acme\tfile\thttp://127.0.0.1:9\t0 target(s)',
      `bravo\tconnected\t${crm.url}\t0 target(s)`,
    ]);
    expect((await run(accountsCommand, ['show', 'bravo'])).out).toContain('name:       bravo (connected)');
    const unknown = await run(accountsCommand, ['show', 'gamma']);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.err).toContain('no account named "gamma"');
    expect((await run(accountsCommand, ['show'])).code).toBe(2);
    expect((await run(accountsCommand, ['frobnicate'])).code).toBe(2);
  });

  it('a running hub serves an account the CLI connected, within its reload interval', async () => {
    const config = loadConfig(path.join(dir, 'stockbridge.json'), {});
    const hub: Hub = createHub({
      config,
      log: silentLog,
      secretBox: boxOf(env.STOCKBRIDGE_SECRET_KEY),
      moduleFile: MODULE_FILE,
      accountsReloadMs: 50,
    });
    await hub.start();
    try {
      expect(hub.accounts.get('charlie')).toBeUndefined();
      const added = await run(accountsCommand, [
        'add',
        '--url',
        other.url,
        '--api-key-env',
        'KEY_2',
        '--name',
        'charlie',
      ]);
      expect(added.code).toBe(0);
      const served = await waitFor(() => hub.accounts.get('charlie'), { what: 'charlie served' });
      expect(served.origin).toBe('connected');
      // Its clientId (in its CRM's module) resolves its callbacks.
      expect(hub.accounts.byClientId(String(other.modules.get('stockbridge')!.clientId))?.name).toBe('charlie');
      const off = await run(accountsCommand, ['deactivate', 'charlie']);
      expect(off.out).toBe('deactivated "charlie": its stock is held; its module switched off');
      expect(other.modules.get('stockbridge')!.active).toBe(false);
      await waitFor(() => hub.accounts.get('charlie')?.enabled === false, { what: 'charlie held' });
    } finally {
      await hub.stop();
    }
  });

  it('register --all registers every active account, one line each, exit 1 if any failed; --account one; locked', async () => {
    const reg = (argv: string[]) => run(registerCommand, [...argv, '--allow-placeholder']);
    const before = crm.requests.length;
    const all = await reg(['--all']);
    expect(all.code).toBe(1);
    expect(all.out.split('\n')).toEqual([
      expect.stringMatching(/^acme: FAILED at http:\/\/127\.0\.0\.1:9: .*; what to do: /),
      `bravo: registered at ${crm.url}`,
      'charlie: skipped (deactivated by an operator)',
    ]);
    expect(all.err).toContain('1 account(s) failed');
    const sent = crm.requests.slice(before).find((r) => r.path.endsWith('/edit'))!;
    const module = JSON.parse(new URLSearchParams(sent.body).get('integrationModule')!) as Record<string, unknown>;
    expect(module).toMatchObject({
      clientId: crm.modules.get('stockbridge')!.clientId,
      accountUrl: 'https://hub.example.com/settings',
    });
    expect(all.all).not.toContain(String(module.clientId));

    const one = await reg(['--account', 'bravo']);
    expect(one).toMatchObject({ code: 0, out: `bravo: registered at ${crm.url}` });
    expect((await reg(['--account', 'nobody'])).code).toBe(2);
    expect((await reg(['--all', '--account', 'bravo'])).code).toBe(2);

    // An account its CRM switched off is not switched back on by a deploy.
    const config = loadConfig(path.join(dir, 'stockbridge.json'), {});
    const hub = createHub({
      config,
      log: silentLog,
      secretBox: boxOf(env.STOCKBRIDGE_SECRET_KEY),
      moduleFile: MODULE_FILE,
    });
    try {
      await hub.storage.hubState.setModule({ active: false, freeze: false, updatedAt: 1 }, 'bravo');
      const locked = await hub.storage.locks.acquire('register', 'someone-else', 60_000, Date.now());
      expect(locked).toBe(true);
    } finally {
      await hub.stop();
    }
    const busy = await reg(['--account', 'bravo']);
    expect(busy).toMatchObject({ code: 1, err: expect.stringContaining('another register is running') });
    const config2 = loadConfig(path.join(dir, 'stockbridge.json'), {});
    const hub2 = createHub({
      config: config2,
      log: silentLog,
      secretBox: boxOf(env.STOCKBRIDGE_SECRET_KEY),
      moduleFile: MODULE_FILE,
    });
    try {
      await hub2.storage.locks.release('register', 'someone-else');
    } finally {
      await hub2.stop();
    }
    expect((await reg(['--account', 'bravo'])).out).toBe('bravo: skipped (switched off in its CRM)');
  });

  it('register uses the address the hub followed a file-declared account to (the file still naming the old one)', async () => {
    const hub = createHub({
      config: loadConfig(path.join(dir, 'stockbridge.json'), {}),
      log: silentLog,
      secretBox: boxOf(env.STOCKBRIDGE_SECRET_KEY),
      moduleFile: MODULE_FILE,
    });
    try {
      const moved = { crmUrl: other.url, fileUrl: 'http://127.0.0.1:9' };
      await hub.storage.hubState.setModule({ active: true, freeze: false, updatedAt: 1, ...moved }, 'acme');
    } finally {
      await hub.stop();
    }
    other.apiKeys.add('crm-key-SECRET-acme');
    const res = await run(registerCommand, ['--account', 'acme', '--allow-placeholder']);
    expect(res).toMatchObject({ code: 0, out: `acme: registered at ${other.url}` });
    expect(other.modules.get('stockbridge')).toMatchObject({ clientId: 'client-id-SECRET-acme' });
  });

  it('rotate-secret-key re-seals every account, resumes after an interruption, and the hub starts with the new key', async () => {
    const oldKey = env.STOCKBRIDGE_SECRET_KEY;
    const next = newKey();
    const both = { STOCKBRIDGE_NEW_SECRET_KEY: next };
    const out: string[] = [];
    // Interrupted after the first account.
    await expect(
      rotateSecretKeyCommand({
        argv: [],
        env: { ...env, ...both },
        cwd: dir,
        out: (l) => out.push(l),
        err: (l) => out.push(l),
        afterEach: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(out).toEqual(['re-sealed bravo']);
    // Now under two keys: a hub with either one says what happened and what to run.
    const config = loadConfig(path.join(dir, 'stockbridge.json'), {});
    const tryStart = async (k: string) => {
      const hub = createHub({ config, log: silentLog, secretBox: boxOf(k), moduleFile: MODULE_FILE });
      try {
        await hub.start();
      } finally {
        await hub.stop();
      }
    };
    await expect(tryStart(oldKey)).rejects.toThrow(StoredAccountsError);
    await expect(tryStart(oldKey)).rejects.toThrow(
      /a key rotation was interrupted; run `npm run rotate-secret-key` again/,
    );

    const resumed = await run(rotateSecretKeyCommand, [], both);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain('1 account(s) re-sealed under key');
    expect(resumed.out).toContain('1 already were');
    const rerun = await run(rotateSecretKeyCommand, [], both);
    expect(rerun.out).toContain('0 account(s) re-sealed');
    await expect(tryStart(oldKey)).rejects.toThrow(/were sealed with another key/);
    await tryStart(next);
    // The CLI too works with the new key only.
    const list = await run(accountsCommand, ['list'], { STOCKBRIDGE_SECRET_KEY: next });
    expect(list.out).toContain('bravo\tconnected');
    const same = await run(rotateSecretKeyCommand, [], { STOCKBRIDGE_NEW_SECRET_KEY: oldKey });
    expect(same.code).toBe(2);
    const bad = await run(rotateSecretKeyCommand, [], { STOCKBRIDGE_NEW_SECRET_KEY: 'short' });
    expect(bad.err).toMatch(/STOCKBRIDGE_NEW_SECRET_KEY must be 32 random bytes in base64/);
  });
});
