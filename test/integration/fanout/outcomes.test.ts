import request from 'supertest';
import { offer } from '../../helpers/callback-bodies';
import { startFanoutRig, waitDelivered, type Rig } from '../../helpers/fanout-rig';
import type { MpFault } from '../../../src/demo/fakes/fake-merchantpro';
import { capturingLog, SECRETS, waitFor } from '../../helpers/test-config';

const admin = (rig: Rig) => ({
  get: (path: string) => request(rig.hub.app).get(`/admin${path}`).set('Authorization', `Bearer ${SECRETS.adminToken}`),
  post: (path: string, body: object = {}) =>
    request(rig.hub.app).post(`/admin${path}`).set('Authorization', `Bearer ${SECRETS.adminToken}`).send(body),
});

describe('every outcome is classified once, against the fake shop over real sockets', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it.each<[string, MpFault]>([
    ['503', { status: 503 }],
    ['500 HTML page', 'html'],
    ['408', { status: 408 }],
    ['429 with Retry-After', { status: 429, retryAfter: '0' }],
    ['connection dropped', 'down'],
    ['timeout', 'timeout'],
  ])('%s is retried with backoff until it succeeds', async (_n, fault) => {
    rig = await startFanoutRig({ skus: ['A1'] });
    rig.shop.fail(2, fault);
    await rig.post([offer('A1', { main: 4 })]);
    await waitDelivered(rig.hub, 'shop', ['A1']);
    expect(rig.shop.writes).toHaveLength(1);
    expect(rig.shop.requests.length).toBe(3);
    expect(rig.shop.bySku('A1')!.warehouses![0].stock).toBe(4);
  });

  it('404 (unknown item) goes to the dead letters with the shop message; retry from the admin API works', async () => {
    rig = await startFanoutRig();
    await rig.post([offer('GHOST', { main: 1 })]);
    await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', 'GHOST'))?.dead, { what: 'dead letter' });
    expect(rig.shop.requests).toHaveLength(1);
    const dead = await admin(rig).get('/targets/shop/dead-letters').expect(200);
    expect(dead.body.deadLetters).toEqual([
      expect.objectContaining({ item: 'GHOST', deadReason: expect.stringContaining('HTTP 404: Product not found') }),
    ]);
    rig.shop.addItem('GHOST');
    await admin(rig).post('/targets/shop/dead-letters/retry', { item: 'GHOST' }).expect(200, { retried: 1 });
    await waitDelivered(rig.hub, 'shop', ['GHOST']);
    expect(rig.shop.bySku('GHOST')!.warehouses![0].stock).toBe(1);
  });

  it('other 4xx are permanent: dead-lettered after one attempt with the shop message', async () => {
    rig = await startFanoutRig({ skus: ['A1'] });
    rig.shop.fail(1, { status: 422 });
    await rig.post([offer('A1', { main: 1 })]);
    await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', 'A1'))?.dead, { what: 'dead letter' });
    expect((await rig.hub.storage.deliveries.get('shop', 'A1'))!.deadReason).toBe('HTTP 422: injected 422');
  });

  it('a 3xx pauses the target as a wrong base URL', async () => {
    rig = await startFanoutRig({ skus: ['A1'] });
    rig.shop.fail(1, 'redirect');
    await rig.post([offer('A1', { main: 1 })]);
    await waitFor(async () => (await rig.hub.storage.hubState.getTarget('shop')).paused, { what: 'pause' });
    expect((await rig.hub.storage.hubState.getTarget('shop')).pausedReason).toContain('the target url is wrong');
  });

  it('retried work goes to the dead letters after maxAttempts', async () => {
    rig = await startFanoutRig({ skus: ['A1'], target: { maxAttempts: 3 } });
    rig.shop.setFault({ status: 503 });
    await rig.post([offer('A1', { main: 1 })]);
    await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', 'A1'))?.dead, { what: 'dead letter' });
    expect(rig.shop.requests).toHaveLength(3);
    expect((await rig.hub.storage.deliveries.get('shop', 'A1'))!.deadReason).toMatch(
      /^gave up after 3 attempts; last: HTTP 503/,
    );
  });

  it('a 401 pauses the target after one attempt, logs what to check, and resume delivers', async () => {
    const logs = capturingLog('info');
    rig = await startFanoutRig({ skus: ['A1', 'A2', 'A3'], target: { concurrency: 1 }, log: logs.log });
    rig.shop.fail(1, { status: 401 });
    await rig.post([offer('A1', { main: 1 }), offer('A2', { main: 2 }), offer('A3', { main: 3 })]);
    await waitFor(async () => (await rig.hub.storage.hubState.getTarget('shop')).paused, { what: 'pause' });
    const targets = await admin(rig).get('/targets').expect(200);
    expect(targets.body.targets[0]).toMatchObject({
      name: 'shop',
      state: 'paused',
      backlog: 3,
      pausedReason: expect.stringContaining("Check the target's apiKey and apiSecret"),
    });
    expect(rig.shop.requests).toHaveLength(1);
    expect(logs.text()).toContain('target paused');
    await admin(rig).post('/targets/shop/resume').expect(200, { paused: false });
    await waitDelivered(rig.hub, 'shop', ['A1', 'A2', 'A3']);
    expect(rig.shop.requests).toHaveLength(4);
    const text = logs.text();
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(`${SECRETS.mpKey}:${SECRETS.mpSecret}`).toString('base64'));
  });

  it('an operator can pause and resume a target; nothing is sent while paused', async () => {
    rig = await startFanoutRig({ skus: ['A1'] });
    await admin(rig).post('/targets/shop/pause', { reason: 'stocktake' }).expect(200);
    await rig.post([offer('A1', { main: 9 })]);
    await rig.hub.projector.idle();
    expect((await admin(rig).get('/targets').expect(200)).body.targets[0]).toMatchObject({
      state: 'paused',
      pausedReason: 'stocktake',
      backlog: 1,
    });
    expect(rig.shop.requests).toHaveLength(0);
    await admin(rig).post('/targets/shop/resume').expect(200);
    await waitDelivered(rig.hub, 'shop', ['A1']);
  });
});

describe('admin API and metrics', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startFanoutRig({ skus: ['A1'] });
  });
  afterAll(() => rig.close());

  it('requires the admin bearer token: 401 without, 403 wrong', async () => {
    await request(rig.hub.app).get('/admin/targets').expect(401);
    await request(rig.hub.app).get('/admin/targets').set('Authorization', 'Bearer nope').expect(403);
  });

  it('refuses unknown targets and bad bodies with a clear 4xx', async () => {
    const r = await admin(rig).post('/targets/nope/resume').expect(404);
    expect(r.body.error.message).toContain('GET /admin/targets lists them');
    const b = await admin(rig)
      .post('/targets/shop/pause', { reason: 'x'.repeat(600) })
      .expect(400);
    expect(b.body.error.details).toHaveProperty('reason');
  });

  it('explains an item: desired figures, delivered version, last error', async () => {
    await rig.post([offer('A1', { main: 2, north: 1 })]);
    await waitDelivered(rig.hub, 'shop', ['A1']);
    const r = await admin(rig).get('/targets/shop/items/A1').expect(200);
    expect(r.body).toMatchObject({
      item: 'A1',
      version: 1,
      deliveredVersion: 1,
      due: false,
      desired: [
        { warehouse: 'main', quantity: 2, version: 1 },
        { warehouse: 'north', quantity: 1, version: 1 },
      ],
    });
  });

  it('exposes Prometheus metrics without secrets', async () => {
    const r = await request(rig.hub.app).get('/metrics').expect(200);
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.text).toMatch(
      /stockbridge_callbacks_total\{kind="inventoriesUpload",outcome="accepted",account="default"\} \d+/,
    );
    expect(r.text).toMatch(/stockbridge_deliveries_total\{account="default",target="shop",outcome="delivered"\} \d+/);
    expect(r.text).toContain('stockbridge_backlog_items{target="shop",account="default"} 0');
    expect(r.text).toContain('stockbridge_delivery_latency_seconds_bucket');
    for (const secret of Object.values(SECRETS)) expect(r.text).not.toContain(secret);
    const t = await admin(rig).get('/targets').expect(200);
    for (const secret of Object.values(SECRETS)) expect(JSON.stringify(t.body)).not.toContain(secret);
  });

  it('sets security headers on every response', async () => {
    const r = await request(rig.hub.app).get('/healthz').expect(200);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-powered-by']).toBeUndefined();
    await request(rig.hub.app).get('/readyz').expect(200, { status: 'ready', storage: 'sqlite' });
  });
});
