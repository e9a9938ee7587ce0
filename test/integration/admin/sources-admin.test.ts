import path from 'node:path';
import request from 'supertest';
import { parseConfig } from '../../../src/config/load-config';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeSyncInventory, type FakeSyncInventory } from '../../../src/demo/fakes/fake-syncinventory';
import { rawConfig, SECRETS, silentLog, tmpDir, waitFor } from '../../helpers/test-config';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('admin: sources, sync now, and a source in the item lookup', () => {
  let crm: FakeCrm;
  let si: FakeSyncInventory;
  let hub: Hub;
  const admin = (method: 'get' | 'post', p: string) =>
    request(hub.app)[method](p).set('Authorization', `Bearer ${SECRETS.adminToken}`);

  beforeAll(async () => {
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    si = await startFakeSyncInventory({ apiKey: 'si-key' });
    const dir = tmpDir();
    const raw = rawConfig({
      storage: { path: path.join(dir, 'hub.db') },
      crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
      targets: [],
      sources: [
        { name: 'erp', type: 'syncinventory', url: si.url, apiKey: 'si-key', warehouses: { '1': 'main' } },
        {
          name: 'nightly',
          type: 'syncinventory',
          url: si.url,
          apiKey: 'si-key',
          warehouses: { '1': 'main' },
          everySeconds: 3600,
        },
      ],
      sync: { reportDir: path.join(dir, 'reports') },
    });
    hub = createHub({ config: parseConfig(raw, {}, dir), log: silentLog });
    await hub.start();
  });
  afterAll(async () => {
    await hub.stop();
    await crm.close();
    await si.close();
  });

  it('"sync now" runs a source at once; its run, figures and schedule show in the admin API', async () => {
    si.add('E-9', { '1': 9 });
    await admin('post', '/admin/sources/erp/sync').expect(200, { started: true });
    await waitFor(() => crm.uploads.length > 0, { what: 'the upload' });
    const sources = await waitFor(async () => {
      const list = (await admin('get', '/admin/sources').expect(200)).body as {
        sources: Array<{
          name: string;
          nextRunAt: string | null;
          runs: Array<{ outcome: string; finishedAt: string }>;
        }>;
      };
      return list.sources[0].runs[0]?.outcome === 'ok' ? list.sources : undefined;
    });
    expect(sources[0].runs[0].finishedAt).toMatch(ISO);
    expect(sources[0].nextRunAt).toBeNull();
    expect(sources[1].nextRunAt).toMatch(ISO);
    const item = (await admin('get', '/admin/items/E-9').expect(200)).body as {
      sources: Array<{ name: string; figures: unknown }>;
    };
    expect(item.sources.find((s) => s.name === 'erp')?.figures).toEqual({ main: 9 });
  });

  it('an unknown source is a 404 naming where to look', async () => {
    const res = await admin('post', '/admin/sources/nope/sync').expect(404);
    expect((res.body as { error: { message: string } }).error.message).toContain('GET /admin/sources');
  });
});
