import path from 'node:path';
import request from 'supertest';
import { parseConfig } from '../../../src/config/load-config';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { capturingLog, rawConfig, SECRETS, tmpDir, waitFor } from '../../helpers/test-config';

// Issue 19, problem 8: one failed sync run is one log line (runSync's, with its figures), not that line and the
// scheduler's "did not complete" after it.
describe('a failed sync run in the logs', () => {
  let crm: FakeCrm;
  let hub: Hub | undefined;
  afterAll(async () => {
    await hub?.stop();
    await crm?.close();
  });

  it('is logged once, with the reason, when "sync now" fails against an unreachable source', async () => {
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    const dir = tmpDir();
    const raw = rawConfig({
      storage: { path: path.join(dir, 'hub.db') },
      crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
      targets: [],
      // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
      sources: [{ name: 'erp', type: 'syncinventory', url: 'http://127.0.0.1:9', apiKey: 'si-key', warehouses: {} }],
      sync: { reportDir: path.join(dir, 'reports') },
    });
    const cap = capturingLog('info');
    hub = createHub({ config: parseConfig(raw, {}, dir), log: cap.log });
    await hub.start();
    await request(hub.app)
      .post('/admin/sources/erp/sync')
      .set('Authorization', `Bearer ${SECRETS.adminToken}`)
      .expect(200, { started: true });
    await waitFor(() => cap.lines.some((l) => l.includes('sync failed')), { what: 'the failed run logged' });
    // stop() waits for the runs in flight, so whatever the scheduler would add after runSync's line is written.
    const stopping = hub;
    hub = undefined;
    await stopping.stop();
    const failures = cap.lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; source?: string; reason?: string })
      .filter((l) => l.level >= 40 && /sync/.test(l.msg));
    expect(failures).toHaveLength(1);
    expect(failures[0].msg).toMatch(/^sync failed/);
    expect(failures[0].reason).toBeTruthy();
  });
});
