import fs from 'node:fs';
import path from 'node:path';
import { registerCommand } from '../../../src/cli/register-command';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { rawConfig, SECRETS, tmpDir } from '../../helpers/test-config';

describe('npm run register', () => {
  let fake: FakeCrm;
  let dir: string;
  beforeEach(async () => {
    fake = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    dir = tmpDir();
    fs.writeFileSync(
      path.join(dir, 'stockbridge.json'),
      JSON.stringify(
        rawConfig({ crm: { url: fake.url, apiKey: '${CRM_API_KEY}', clientId: SECRETS.clientId, site: 'main-shop' } }),
      ),
    );
    fs.copyFileSync(path.join(__dirname, '../../../module-config.json'), path.join(dir, 'module-config.json'));
  });
  afterEach(() => fake.close());

  /** The test config's publicUrl is https://hub.example.com: allowed here, unless a case says otherwise. */
  function run(argv: string[], env: Record<string, string> = { CRM_API_KEY: SECRETS.crmApiKey }, allow = true) {
    const out: string[] = [];
    const err: string[] = [];
    if (allow) argv = [...argv, '--allow-placeholder'];
    return registerCommand({ argv, env, cwd: dir, out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({
      code,
      out: out.join('\n'),
      err: err.join('\n'),
    }));
  }

  it('refuses a placeholder publicUrl (example.com, localhost) unless --allow-placeholder, sending nothing', async () => {
    const r = await run([], undefined, false);
    expect(r.code).toBe(2);
    expect(fake.requests).toHaveLength(0);
    expect(r.err).toContain('server.publicUrl https://hub.example.com is a placeholder (a reserved example domain)');
    expect(r.err).toContain('--allow-placeholder');
    const dry = await run(['--dry-run'], undefined, false);
    expect(dry.code).toBe(0);
    expect(dry.err).toContain('warning: server.publicUrl https://hub.example.com is a placeholder');
  });

  it('sends the edit with placeholders filled, reads the module back and prints what the CRM holds', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    const sent = JSON.parse(new URLSearchParams(fake.requests[0].body).get('integrationModule')!);
    expect(sent).toMatchObject({
      code: 'stockbridge',
      baseUrl: 'https://hub.example.com',
      clientId: SECRETS.clientId,
      active: true,
      actions: { activity: '/callbacks/activity' },
      integrations: {
        store: {
          actions: [{ code: 'inventoriesUpload', url: '/callbacks/inventories-upload', callPoints: expect.any(Array) }],
        },
      },
    });
    expect(fake.requests[1].method).toBe('GET');
    expect(r.out).toContain('store:    inventoriesUpload → https://hub.example.com/callbacks/inventories-upload');
    expect(r.out + r.err).not.toContain(SECRETS.clientId);
  });

  it('--dry-run prints the form body and sends nothing, masking the clientId', async () => {
    const r = await run(['--dry-run']);
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(r.out).toContain('/api/v5/integration-modules/stockbridge/edit');
    expect(r.out).toContain('integrationModule=%7B%22code%22%3A%22stockbridge%22');
    expect(r.out).not.toContain(SECRETS.clientId);
    expect(r.out).not.toContain(SECRETS.crmApiKey);
  });

  it.each([
    ['wrong key', { type: 'status', status: 401, errorMsg: 'Wrong "apiKey" value.' }, 'Check crm.apiKey'],
    ['payment required', { type: 'status', status: 402, errorMsg: 'Payment required' }, 'paid up'],
    ['account does not exist', { type: 'html', status: 404 }, 'Check crm.url'],
    [
      'success:false',
      { type: 'refuse', errorMsg: 'Errors in the entity format', errors: { baseUrl: 'invalid' } },
      'baseUrl',
    ],
  ] as const)('a refusal (%s) prints the CRM message and what to do, exit 1', async (_n, fault, advice) => {
    fake.fail(1, fault);
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('the CRM refused the registration');
    expect(r.err).toContain(advice);
  });

  it('a missing environment variable is a config error (exit 2) naming the variable', async () => {
    const r = await run([], {});
    expect(r.code).toBe(2);
    expect(r.err).toContain('CRM_API_KEY is not set');
  });
});
