import request from 'supertest';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { inProcess } from '../../../src/storage/open-storage';
import { offer, formBody } from '../../helpers/callback-bodies';
import { deliverNow, targetFiguresOf } from '../../helpers/target-figures';
import { SECRETS, silentLog, testConfig } from '../../helpers/test-config';

describe('POST /callbacks/inventories-upload', () => {
  let hub: Hub;
  beforeEach(async () => {
    hub = createHub({ config: testConfig(), log: silentLog });
    // Delivery is held (module inactive) so these tests see intake's bookkeeping alone.
    await hub.activity.set({ active: false, freeze: false });
    await hub.start();
  });
  afterEach(() => hub.stop());

  const post = (body: string, type = 'application/x-www-form-urlencoded') =>
    request(hub.app).post('/callbacks/inventories-upload').set('Content-Type', type).send(body);

  it('accepts the CRM form encoding (offers as a JSON string) and stores the callback before answering', async () => {
    const res = await post(formBody([offer('A1', { main: 5, north: 2 })]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(await hub.storage.callbackLog.count()).toBe(1);
  });

  it('accepts plain JSON bodies', async () => {
    const res = await request(hub.app)
      .post('/callbacks/inventories-upload')
      .send({ clientId: SECRETS.clientId, offers: [offer('A1', { main: 5 })] });
    expect(res.status).toBe(200);
    expect(await hub.storage.callbackLog.count()).toBe(1);
  });

  it('projects desired stock per target, item and mapped warehouse, versioned by the callback sequence', async () => {
    await post(formBody([offer('A1', { main: 5, north: 2, unmapped: 9 })]));
    await hub.projector.idle();
    expect(await targetFiguresOf(hub, 'ro-shop', 'A1')).toEqual([
      { warehouse: 'main', quantity: 5, version: 1 },
      { warehouse: 'north', quantity: 2, version: 1 },
    ]);
    // bg-shop is keyed by externalId and maps only "main"
    expect(await targetFiguresOf(hub, 'bg-shop', 'ext-A1')).toEqual([{ warehouse: 'main', quantity: 5, version: 1 }]);
    const item = await hub.storage.deliveries.get('ro-shop', 'A1');
    expect(item).toMatchObject({ version: 1, deliveredVersion: 0 });
    expect(item!.dueAt).not.toBeNull();
  });

  it('floors fractional quantities and accepts numeric strings', async () => {
    await post(
      formBody([
        {
          xmlId: 'F1',
          stores: [
            { code: 'main', available: 4.9 },
            { code: 'north', available: '7' },
          ],
        },
      ]),
    );
    await hub.projector.idle();
    expect((await targetFiguresOf(hub, 'ro-shop', 'F1')).map((r) => r.quantity)).toEqual([4, 7]);
  });

  it('a repeat whose figures are already desired changes nothing and makes nothing due', async () => {
    await post(formBody([offer('A1', { main: 5 })]));
    await hub.projector.idle();
    await deliverNow(hub.storage, 'ro-shop', 'A1', { main: 5 });
    await post(formBody([offer('A1', { main: 5 })]));
    await hub.projector.idle();
    const item = await hub.storage.deliveries.get('ro-shop', 'A1');
    expect(item).toMatchObject({ version: 1, deliveredVersion: 1, dueAt: null });
    expect(await targetFiguresOf(hub, 'ro-shop', 'A1')).toEqual([{ warehouse: 'main', quantity: 5, version: 1 }]);
  });

  it('the same content after a different update (5 → 3 → 5) is applied, not deduplicated by hash', async () => {
    for (const q of [5, 3, 5]) await post(formBody([offer('A1', { main: q })]));
    await hub.projector.idle();
    expect(await targetFiguresOf(hub, 'ro-shop', 'A1')).toEqual([{ warehouse: 'main', quantity: 5, version: 3 }]);
  });

  it('records offers lacking the target offerKey as unmapped, with the reason', async () => {
    await post(formBody([{ externalId: 'only-ext', stores: [{ code: 'main', available: 1 }] }]));
    await hub.projector.idle();
    expect(await hub.storage.stock.listUnmapped('ro-shop', 10)).toEqual([
      expect.objectContaining({
        offerLabel: 'externalId=only-ext',
        reason: "offer has no xmlId (the target's offerKey)",
      }),
    ]);
    expect(await targetFiguresOf(hub, 'bg-shop', 'only-ext')).toHaveLength(1);
  });

  it('operators see callbacks stored but not yet projected (GET /admin/targets), until the projector catches up', async () => {
    await hub.storage.callbackLog.append([
      { receivedAt: Date.now(), contentHash: 'h', offersJson: JSON.stringify([offer('Q1', { main: 1 })]) },
    ]);
    const before = await request(hub.app)
      .get('/admin/targets')
      .set('Authorization', `Bearer ${SECRETS.adminToken}`)
      .expect(200);
    expect(before.body.unprojectedCallbacks).toBe(1);
    await hub.projector.idle();
    const after = await request(hub.app)
      .get('/admin/targets')
      .set('Authorization', `Bearer ${SECRETS.adminToken}`)
      .expect(200);
    expect(after.body.unprojectedCallbacks).toBe(0);
    expect(after.body.targets.find((t: { name: string }) => t.name === 'ro-shop').backlog).toBe(1);
  });

  it('answers 401 without clientId and 403 with a wrong one, in the CRM envelope, storing nothing', async () => {
    const missing = await post(new URLSearchParams({ offers: '[]' }).toString());
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ success: false, errorMsg: 'clientId is missing' });
    const wrong = await post(formBody([offer('A1', { main: 1 })], 'nope'));
    expect(wrong.status).toBe(403);
    expect(wrong.body.success).toBe(false);
    expect(JSON.stringify(wrong.body)).not.toContain(SECRETS.clientId);
    expect(await hub.storage.callbackLog.count()).toBe(0);
  });

  it('answers 503 and stores nothing when storage fails', async () => {
    const broken = {
      ...hub.storage,
      callbackLog: {
        ...hub.storage.callbackLog,
        append: () => Promise.reject(new Error('disk I/O error')),
      },
    };
    const h2 = createHub({ config: testConfig(), log: silentLog, storage: inProcess(broken) });
    const res = await request(h2.app)
      .post('/callbacks/inventories-upload')
      .type('form')
      .send(formBody([offer('A1', { main: 1 })]));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ success: false, errorMsg: 'storage is unavailable; nothing was stored, please retry' });
    expect(await hub.storage.callbackLog.count()).toBe(0);
  });
});
