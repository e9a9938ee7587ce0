import request from 'supertest';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { parseConfig } from '../../../src/config/load-config';
import { formBody, offer } from '../../helpers/callback-bodies';
import { capturingLog, rawConfig, SECRETS } from '../../helpers/test-config';

// Stock for a warehouse no shop maps (a misspelt code in a map looks the same) is kept and shown, never dropped.
describe('figures for a warehouse no target maps', () => {
  let hub: Hub;
  let logs: ReturnType<typeof capturingLog>;
  const admin = (path: string) => request(hub.app).get(path).set('Authorization', `Bearer ${SECRETS.adminToken}`);
  const post = (offers: unknown[]) =>
    request(hub.app).post('/callbacks/inventories-upload').type('form').send(formBody(offers)).expect(200);

  beforeAll(async () => {
    logs = capturingLog('info');
    hub = createHub({ config: parseConfig(rawConfig(), {}), log: logs.log }); // ro-shop maps main, north; bg-shop main
    await hub.start();
    await post([offer('SOUTH-1', { south: 4 })]);
    await post([offer('SOUTH-2', { south: 9 }), offer('MAIN-1', { main: 2 })]);
    await hub.projector.idle();
  });
  afterAll(() => hub.stop());

  it('the item view shows the figure and says the warehouse is mapped by no shop (not "no stock received")', async () => {
    const res = await admin('/admin/items/SOUTH-1').expect(200);
    expect(res.body.crm).toEqual([
      expect.objectContaining({
        warehouse: 'south',
        quantity: 4,
        mappedBy: [],
        note: expect.stringContaining('warehouse south is mapped by no shop'),
      }),
    ]);
    const why = await admin('/admin/targets/ro-shop/items/SOUTH-1').expect(404);
    expect(why.body.error.message).toContain('south (mapped by no shop');
    expect(why.body.error.message).not.toContain('no stock has been received');
    const mapped = await admin('/admin/items/MAIN-1').expect(200);
    expect(mapped.body.crm).toEqual([
      expect.objectContaining({ warehouse: 'main', mappedBy: ['ro-shop'], note: null }),
    ]);
  });

  it('the admin API lists the unmapped warehouse with its last figures', async () => {
    const res = await admin('/admin/unmapped-warehouses').expect(200);
    expect(res.body.warehouses).toEqual([
      expect.objectContaining({
        warehouse: 'south',
        figures: 2,
        last: [
          expect.objectContaining({ offer: expect.stringContaining('xmlId=SOUTH-2'), quantity: 9 }),
          expect.objectContaining({ offer: expect.stringContaining('xmlId=SOUTH-1'), quantity: 4 }),
        ],
      }),
    ]);
  });

  it('counts them in stockbridge_unmapped_figures_total{warehouse} and warns once (per hour) with what to do', async () => {
    const metrics = await request(hub.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^stockbridge_unmapped_figures_total\{warehouse="south"\} 2$/m);
    expect(metrics.text).not.toMatch(/stockbridge_unmapped_figures_total\{warehouse="main"\}/);
    const warns = logs
      .text()
      .split('\n')
      .filter((l) => l.includes('no target maps it'));
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/"level":40[^\n]*"warehouse":"south"[^\n]*add \\"south\\" to that target's warehouses/);
  });

  it('logs one info line per accepted callback (is the CRM calling us?)', () => {
    const lines = logs
      .text()
      .split('\n')
      .filter((l) => l.includes('inventoriesUpload accepted'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/"level":30[^\n]*"figures":2[^\n]*"answered":0/);
  });
});
