import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { parseConfig } from '../../../src/config/load-config';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { inProcess, openSqliteStorage } from '../../../src/storage/open-storage';
import { createServer } from '../../../src/compose/create-server';
import { createIntake } from '../../../src/intake/create-intake';
import type { CallbackLog, Stores } from '../../../src/storage/stores';
import { rawConfig, SECRETS, silentLog, testConfig, waitFor } from '../../helpers/test-config';

const goodCallback = JSON.stringify({
  clientId: SECRETS.clientId,
  offers: [{ xmlId: 'A1', stores: [{ code: 'main', available: 3 }] }],
});
const goodShipment = JSON.stringify({ orderExternalId: 'ORD-1', shipmentStore: 'main' });

/** One request over a real socket, body bytes exactly as given (supertest would re-encode a Buffer). */
function send(port: number, path: string, headers: Record<string, string>, body: Buffer) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'content-length': body.length } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('Content-Encoding: a body that does not decode is the client’s 400, an unknown coding is 415', () => {
  let hub: Hub;
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    const config = testConfig();
    hub = createHub({ config, log: silentLog });
    await hub.start();
    server = createServer(hub.app, config.server).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await hub.stop();
  });

  const plain = Buffer.from(goodCallback);
  const form = Buffer.from(new URLSearchParams({ clientId: SECRETS.clientId, offers: '[]' }).toString());
  const cases: Array<[string, string, string, string, Buffer, number, string]> = [
    [
      'callback JSON, gzip header, plain body',
      '/callbacks/inventories-upload',
      'application/json',
      'gzip',
      plain,
      400,
      'gzip',
    ],
    [
      'callback JSON, deflate header, plain body',
      '/callbacks/inventories-upload',
      'application/json',
      'deflate',
      plain,
      400,
      'deflate',
    ],
    [
      'callback JSON, br header, plain body',
      '/callbacks/inventories-upload',
      'application/json',
      'br',
      plain,
      400,
      'br',
    ],
    [
      'callback JSON, gzip cut short',
      '/callbacks/inventories-upload',
      'application/json',
      'gzip',
      zlib.gzipSync(plain).subarray(0, 20),
      400,
      'gzip',
    ],
    [
      'callback form, gzip header, plain body',
      '/callbacks/inventories-upload',
      'application/x-www-form-urlencoded',
      'gzip',
      form,
      400,
      'gzip',
    ],
    [
      'activity form, gzip header, plain body',
      '/callbacks/activity',
      'application/x-www-form-urlencoded',
      'gzip',
      form,
      400,
      'gzip',
    ],
    [
      'callback, unknown coding (compress)',
      '/callbacks/inventories-upload',
      'application/json',
      'compress',
      plain,
      415,
      'encoding',
    ],
    [
      'shipments, gzip header, plain body',
      '/shipments',
      'application/json',
      'gzip',
      Buffer.from(goodShipment),
      400,
      'gzip',
    ],
    [
      'shipments, unknown coding (x-zip)',
      '/shipments',
      'application/json',
      'x-zip',
      Buffer.from(goodShipment),
      415,
      'encoding',
    ],
  ];

  it.each(cases)('%s', async (_name, path, type, enc, body, status, mention) => {
    const res = await send(
      port,
      path,
      { 'content-type': type, 'content-encoding': enc, authorization: `Bearer ${SECRETS.shipmentsToken}` },
      body,
    );
    expect(res.status).toBe(status);
    expect(res.body).toContain(mention);
    expect(await hub.storage.callbackLog.count()).toBe(0);
    expect(await hub.storage.shipments.list('pending', 10)).toEqual([]);
  });

  it('a real gzip body is accepted', async () => {
    const res = await send(
      port,
      '/callbacks/inventories-upload',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      zlib.gzipSync(plain),
    );
    expect(res).toEqual({ status: 200, body: '{"success":true}' });
  });
});

describe('server timeouts: a body that never comes does not hold its socket', () => {
  it('a Content-Length of 3 MB with a few bytes sent is cut off near requestTimeoutMs, not after 300 s', async () => {
    const config = testConfig();
    const hub = createHub({ config, log: silentLog });
    await hub.start();
    const settings = { ...config.server, requestTimeoutMs: 1000, headersTimeoutMs: 1000 };
    const server = createServer(hub.app, settings).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const sock = net.connect(port, '127.0.0.1');
      let answer = '';
      let closed = false;
      sock.on('data', (d: Buffer) => (answer += d.toString()));
      sock.on('close', () => (closed = true));
      sock.on('error', () => undefined);
      sock.write(
        'POST /callbacks/inventories-upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 3000000\r\n\r\n{"clientId":',
      );
      // Node's default would keep it 300 s; 15 s is a generous bound for a 1 s limit on a loaded machine.
      await waitFor(() => closed, { timeoutMs: 15_000, what: 'the stalled request to be cut off' });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(await hub.storage.callbackLog.count()).toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
      await hub.stop();
    }
  }, 30_000);

  it('main’s defaults are documented values: 30 s request, 10 s headers', () => {
    const s = testConfig().server;
    expect([s.requestTimeoutMs, s.headersTimeoutMs, s.keepAliveTimeoutMs]).toEqual([30_000, 10_000, 5000]);
  });
});

describe('/readyz says whether the hub can accept work', () => {
  it('answers 503 while storage refuses writes (disk full), and 200 again once a commit succeeds', async () => {
    const config = parseConfig(rawConfig({ targets: [] }), {});
    const real = openSqliteStorage(config).stores;
    let full = false;
    // Reads still work on a full disk (SELECT 1 succeeds); only writes fail, as SQLite reports them.
    const callbackLog: CallbackLog = new Proxy(real.callbackLog, {
      get(target, key, receiver) {
        if (key === 'append' && full)
          return () => Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
        const v: unknown = Reflect.get(target, key, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const storage: Stores = { ...real, callbackLog, ping: () => real.ping(), close: () => real.close() };
    const hub = createHub({ config, log: silentLog, storage: inProcess(storage) });
    await hub.start();
    try {
      await request(hub.app).get('/readyz').expect(200);
      full = true;
      const post = () =>
        request(hub.app)
          .post('/callbacks/inventories-upload')
          .set('Content-Type', 'application/json')
          .send(goodCallback);
      expect((await post()).status).toBe(503);
      const r = await request(hub.app).get('/readyz');
      expect(r.status).toBe(503);
      expect(JSON.stringify(r.body)).toContain('could not be stored');
      full = false;
      expect((await post()).status).toBe(200);
      await request(hub.app).get('/readyz').expect(200);
    } finally {
      await hub.stop();
    }
  });

  it('unready() clears by itself after its window, so traffic can find out whether storage recovered', async () => {
    const callbackLog = { append: () => Promise.reject(new Error('disk full')) } as unknown as CallbackLog;
    const intake = createIntake({ callbackLog, log: silentLog, unreadyMs: 1000 });
    await expect(intake.accept([{ xmlId: 'A', stores: [] }])).rejects.toMatchObject({ status: 503 });
    expect(intake.unready()).toContain('could not be stored');
    expect(intake.unready(Date.now() + 1001)).toBeNull();
  });
});

describe('Idempotency-Key compares the normalised report, not the JSON key order', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = createHub({ config: testConfig({ targets: [] }), log: silentLog });
    await hub.start();
  });
  afterAll(() => hub.stop());
  const post = (raw: string, key: string) =>
    request(hub.app)
      .post('/shipments')
      .set('Authorization', `Bearer ${SECRETS.shipmentsToken}`)
      .set('Idempotency-Key', key)
      .set('Content-Type', 'application/json')
      .send(raw);

  it('the same report with its keys in another order answers the first id (200), creating nothing', async () => {
    const a = await post('{"orderExternalId":"O-7","shipmentStore":"main","shipmentDate":"2026-11-20"}', 'k-order');
    expect(a.status).toBe(202);
    const b = await post('{"shipmentDate":"2026-11-20","shipmentStore":"main","orderExternalId":"O-7"}', 'k-order');
    expect(b.status).toBe(200);
    expect((b.body as { id: string }).id).toBe((a.body as { id: string }).id);
    // Explicit defaults are the same report too; a different report with the key is still refused.
    const c = await post(
      '{"orderExternalId":"O-7","shipmentStore":"main","shipmentDate":"2026-11-20","shipped":true}',
      'k-order',
    );
    expect(c.status).toBe(200);
    const d = await post('{"orderExternalId":"O-7","shipmentStore":"other","shipmentDate":"2026-11-20"}', 'k-order');
    expect(d.status).toBe(422);
    expect(await hub.storage.shipments.list('pending', 10)).toHaveLength(1);
  });
});
