import fs from 'node:fs';
import path from 'node:path';
import { registerCommand } from '../../../src/cli/register-command';
import { syncCommand } from '../../../src/cli/sync-command';
import { reconcileCommand } from '../../../src/cli/reconcile-command';
import { migrateCommand } from '../../../src/cli/migrate-command';
import type { CliIo } from '../../../src/cli/cli-env';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { rawConfig, SECRETS, tmpDir } from '../../helpers/test-config';
import { runCompiled } from '../../helpers/run-compiled';

const version = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string }
).version;

describe('every command parses its arguments strictly, before anything is sent', () => {
  let fake: FakeCrm;
  let dir: string;
  beforeEach(async () => {
    fake = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    dir = tmpDir();
    const raw = rawConfig({ crm: { url: fake.url, apiKey: '${CRM_API_KEY}', clientId: SECRETS.clientId, site: 's' } });
    fs.writeFileSync(path.join(dir, 'stockbridge.json'), JSON.stringify(raw));
    fs.copyFileSync(path.join(__dirname, '../../../module-config.json'), path.join(dir, 'module-config.json'));
  });
  afterEach(() => fake.close());

  async function run(command: (io: CliIo) => Promise<number>, argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await command({
      argv,
      env: { CRM_API_KEY: SECRETS.crmApiKey, ...env },
      cwd: dir,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it.each([
    [['--dryrun'], 'did you mean --dry-run?'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['stray'], "Unexpected argument 'stray'"],
    [['--module'], 'argument missing'],
  ])('register %j exits 2 with the usage and sends nothing', async (argv, message) => {
    const r = await run(registerCommand, argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('usage: npm run register -- [options]');
    expect(r.err).toContain('nothing was sent');
    expect(fake.requests).toHaveLength(0);
  });

  it('register --help prints the usage (documenting --config and --module) and sends nothing', async () => {
    const r = await run(registerCommand, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--config FILE\s+the config file/);
    expect(r.out).toMatch(/--module FILE\s+the module description/);
    expect(fake.requests).toHaveLength(0);
  });

  it('--version prints the version', async () => {
    for (const command of [registerCommand, syncCommand, reconcileCommand, migrateCommand]) {
      const r = await run(command, ['--version']);
      expect(r).toMatchObject({ code: 0, out: version });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('migrate refuses an unknown flag with its usage before opening any storage', async () => {
    const r = await run(migrateCommand, ['--dryrun']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: npm run migrate -- [options]');
  });

  it('`npm run register --dry-run` (npm keeps the flag) is refused with the right command, sending nothing', async () => {
    const r = await run(registerCommand, [], { npm_lifecycle_event: 'register', npm_config_dry_run: 'true' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('npm took --dry-run as its own option');
    expect(r.err).toContain('npm run register -- --dry-run');
    expect(fake.requests).toHaveLength(0);
  });

  it('register --dry-run prints the body as readable JSON, clientId masked', async () => {
    const r = await run(registerCommand, ['--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('integrationModule, readable:\n{\n  "code": "stockbridge"');
    expect(r.out).not.toContain(SECRETS.clientId);
    expect(fake.requests).toHaveLength(0);
  });

  it('register says it changes the CRM before it does', async () => {
    // The shared test config's publicUrl is a placeholder host, which register refuses without this flag.
    const r = await run(registerCommand, ['--allow-placeholder']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toContain('this changes the module the CRM holds');
  });

  it('sync --source erp --dryrun is refused before anything is read or sent', async () => {
    const r = await run(syncCommand, ['--source', 'erp', '--dryrun']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean --dry-run?');
    expect(fake.requests).toHaveLength(0);
  });

  it('reconcile --target x --fixx is refused', async () => {
    const r = await run(reconcileCommand, ['--target', 'x', '--fixx']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean --fix?');
  });
});

const node = (script: string, args: string[]) =>
  runCompiled(script, args, { timeoutMs: 30_000, env: { PATH: process.env.PATH ?? '' } }).then(({ code, out }) => ({
    code,
    out,
  }));

describe('the compiled entry points (npm test compiles first)', () => {
  it.each([['main.js'], ['cli/demo.js'], ['cli/register.js'], ['cli/sync.js'], ['cli/reconcile.js']])(
    '%s: --help exits 0, an unknown flag exits 2, --version prints the version',
    async (script) => {
      const help = await node(script, ['--help']);
      expect(help.code).toBe(0);
      expect(help.out).toContain('usage: npm ');
      const bad = await node(script, ['--nope']);
      expect(bad.code).toBe(2);
      expect(bad.out).toContain("Unknown option '--nope'");
      expect(await node(script, ['--version'])).toEqual({ code: 0, out: `${version}\n` });
    },
  );
});
