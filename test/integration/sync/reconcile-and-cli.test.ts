import fs from 'node:fs';
import request from 'supertest';
import path from 'node:path';
import { reconcileCommand } from '../../../src/cli/reconcile-command';
import { syncCommand } from '../../../src/cli/sync-command';
import { parseConfig } from '../../../src/config/load-config';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { startFakeSyncInventory, type FakeSyncInventory } from '../../../src/demo/fakes/fake-syncinventory';
import { rawConfig, SECRETS, silentLog, targetRaw, tmpDir, waitFor } from '../../helpers/test-config';

describe('reconcile and the sync CLI', () => {
  let crm: FakeCrm;
  let shop: FakeMerchantPro;
  let si: FakeSyncInventory;
  let dir: string;
  let raw: Record<string, unknown>;
  beforeEach(async () => {
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    shop = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    si = await startFakeSyncInventory({ apiKey: 'si-key' });
    dir = tmpDir();
    raw = rawConfig({
      storage: { path: path.join(dir, 'hub.db') },
      crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
      targets: [targetRaw('shop', shop.url, { offerKey: 'externalId', timeoutMs: 1000 })],
      sources: [
        {
          name: 'erp',
          type: 'syncinventory',
          url: si.url,
          apiKey: 'si-key',
          offerKey: 'externalId',
          warehouses: { '1': 'main' },
        },
      ],
      sync: { reportDir: path.join(dir, 'reports') },
      worker: { pollMs: 50, leaseMs: 3000, backoffBaseMs: 20, backoffMaxMs: 100 },
    });
    fs.writeFileSync(path.join(dir, 'stockbridge.json'), JSON.stringify(raw));
  });
  afterEach(async () => {
    await crm.close();
    await shop.close();
    await si.close();
  });

  const run = async (cmd: typeof syncCommand, argv: string[]) => {
    const out: string[] = [];
    const code = await cmd({ argv, env: {}, cwd: dir, out: (l) => out.push(l), err: (l) => out.push(l) });
    return { code, out: out.join('\n') };
  };

  it('npm run sync prints progress and a summary; --dry-run sends nothing; unknown sources are a usage error', async () => {
    si.add('E-1', { '1': 4 });
    si.add('E-2', { '1': '-3' });
    const dry = await run(syncCommand, ['--source', 'erp', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run: 2 offer(s) would be uploaded, nothing was sent');
    expect(dry.out).toContain('{"externalId":"E-2","stores":[{"code":"main","available":0}]}');
    expect(crm.uploads).toHaveLength(0);
    const real = await run(syncCommand, ['--source', 'erp']);
    expect(real.code).toBe(0);
    expect(real.out).toContain('erp: uploading');
    expect(real.out).toContain(
      'summary for erp: read 2, unchanged 0, uploaded 2 in 1 batch(es), not found in the CRM 0, unmapped 0, errors 0',
    );
    expect(crm.uploads).toHaveLength(1);
    const bad = await run(syncCommand, ['--source', 'nope']);
    expect(bad).toMatchObject({
      code: 2,
      out: expect.stringContaining('no source named "nope"; configured sources: erp'),
    });
  });

  it('the service runs a source on its schedule and lists the runs in the admin API', async () => {
    si.add('E-9', { '1': 9 });
    const cfg = { ...raw, sources: [{ ...(raw.sources as object[])[0], everySeconds: 1 }] };
    const hub = createHub({ config: parseConfig(cfg, {}, dir), log: silentLog });
    try {
      await hub.start();
      await waitFor(() => crm.uploads.length > 0, { what: 'a scheduled sync' });
      expect(crm.uploads[0].offers).toEqual([{ externalId: 'E-9', stores: [{ code: 'main', available: 9 }] }]);
      const res = await request(hub.app)
        .get('/admin/sync-runs?source=erp')
        .set('Authorization', `Bearer ${SECRETS.adminToken}`)
        .expect(200);
      expect(res.body.runs[0]).toMatchObject({ source: 'erp', outcome: 'ok', uploaded: 1, read: 1, dryRun: false });
      expect(res.body.runs[0].startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    } finally {
      await hub.stop();
    }
  });

  it('reconcile finds a planted difference and --fix makes the running service correct it', async () => {
    let hub: Hub | undefined;
    try {
      hub = createHub({ config: parseConfig(raw, {}, dir), log: silentLog });
      await hub.start();
      for (const sku of ['ext-1', 'ext-2', 'ext-3']) shop.addItem(sku);
      // the CRM holds 5/6/7 in "main"; the shop agrees on two items and has drifted on ext-2
      crm.stock.set('ext-1', new Map([['main', 5]]));
      crm.stock.set('ext-2', new Map([['main', 6]]));
      crm.stock.set('ext-3', new Map([['main', 7]]));
      shop.bySku('ext-1')!.warehouses![0].stock = 5;
      shop.bySku('ext-2')!.warehouses![0].stock = 1;
      shop.bySku('ext-3')!.warehouses![0].stock = 7;
      const check = await run(reconcileCommand, ['--target', 'shop', '--csv', path.join(dir, 'diff.csv')]);
      expect(check.code).toBe(3);
      expect(check.out).toContain('ext-2  Depozit central: CRM 6, shop 1');
      expect(check.out).toContain(
        '3 CRM offers read, 3 mapped to this shop, 3 shop items read, 1 difference(s); run again with --fix',
      );
      expect(fs.readFileSync(path.join(dir, 'diff.csv'), 'utf8')).toBe(
        'item,field,crm,shop\n"ext-2","Depozit central",6,1\n',
      );
      const fix = await run(reconcileCommand, ['--target', 'shop', '--fix']);
      expect(fix.code).toBe(0);
      expect(fix.out).toContain('1 item(s) marked due');
      await waitFor(() => shop.bySku('ext-2')!.warehouses![0].stock === 6, { what: 'the worker to rewrite ext-2' });
      expect(shop.writes.map((w) => w.sku)).toEqual(['ext-2']);
      const again = await run(reconcileCommand, ['--target', 'shop']);
      expect(again.code).toBe(0);
      expect(again.out).toContain('0 difference(s)');
    } finally {
      await hub?.stop();
    }
  });
});
