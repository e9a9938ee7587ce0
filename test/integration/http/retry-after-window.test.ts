import request from 'supertest';
import { parseConfig } from '../../../src/config/load-config';
import { createCrmClient } from '../../../src/integrations/retailcrm/crm-client';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import {
  createHttpClient,
  HttpTransportError,
  type HttpClient,
} from '../../../src/integrations/http-client/http-client';
import { createRateLimiter } from '../../../src/integrations/http-client/rate-limiter';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { formBody } from '../../helpers/callback-bodies';
import { rawConfig, SECRETS, silentLog, targetRaw, waitFor } from '../../helpers/test-config';

/**
 * Watches the real client from outside: when each request really left (the client sends synchronously within
 * `request`, so the call time is the send time; a `held` refusal sent nothing), and when each 429 came back.
 */
function watched(inner: HttpClient) {
  const sent: number[] = [];
  const got429: number[] = [];
  const client: HttpClient = {
    async request(req) {
      const at = Date.now();
      try {
        const res = await inner.request(req);
        sent.push(at);
        if (res.status === 429) got429.push(Date.now());
        return res;
      } catch (e) {
        if (!(e instanceof HttpTransportError && e.kind === 'held')) sent.push(at);
        throw e;
      }
    },
    holdUntil: (url, until) => inner.holdUntil(url, until),
    close: () => inner.close(),
  };
  return { client, sent, got429 };
}

/**
 * The window a 429 + Retry-After: 1 names: from when the client had the answer until 1 s after the peer sent it
 * (the peer stamps arrival before answering, so `arrivedAt + 1000` is never later than the client's deadline).
 * Requests that left before the client had the answer may cross it; nothing may leave inside the window.
 */
function sendsInsideWindow(sent: number[], receivedAt: number, arrivedAt: number): number[] {
  return sent.filter((s) => s >= receivedAt && s < arrivedAt + 1000).map((s) => s - arrivedAt);
}

describe('Retry-After is honoured: nothing leaves inside the window, slots handed out before the pause included', () => {
  let shop: FakeMerchantPro;
  let crm: FakeCrm;
  let hub: Hub | undefined;

  beforeAll(async () => {
    shop = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
  });
  afterAll(async () => {
    await hub?.stop();
    await shop.close();
    await crm.close();
  });

  it('a shop answering 429 + Retry-After: 1 gets no request inside that second, and every item still converges', async () => {
    const skus = Array.from({ length: 30 }, (_, i) => `RA-${i}`);
    for (const sku of skus) shop.addItem(sku);
    const w = watched(createHttpClient());
    const config = parseConfig(
      rawConfig({
        // 10/s and 4 writes in flight: the limiter hands slots out ahead, which is what slipped into the pause.
        targets: [targetRaw('shop', shop.url, { timeoutMs: 2000, requestsPerSecond: 10, concurrency: 4 })],
        worker: { leaseMs: 10_000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, drainMs: 2000 },
      }),
      {},
    );
    hub = createHub({ config, log: silentLog, http: w.client });
    await hub.start();
    shop.fail(1, { status: 429, retryAfter: '1' });
    const offers = skus.map((sku) => ({ xmlId: sku, stores: [{ code: 'main', available: 7 }] }));
    const res = await request(hub.app).post('/callbacks/inventories-upload').type('form').send(formBody(offers));
    expect(res.status).toBe(200);
    await waitFor(() => skus.every((sku) => shop.bySku(sku)?.warehouses?.[0].stock === 7), {
      timeoutMs: 20_000,
      what: 'every item delivered',
    });
    expect(w.got429).toHaveLength(1);
    const arrivedAt = shop.requests[0].at; // the 429 was the first request's answer
    expect(sendsInsideWindow(w.sent, w.got429[0], arrivedAt)).toEqual([]);
  }, 30_000);

  it('the CRM answering 429 + Retry-After: 1 gets no request inside that second from calls already waiting for slots', async () => {
    const w = watched(createHttpClient());
    const client = createCrmClient({
      baseUrl: crm.url,
      apiKey: SECRETS.crmApiKey,
      http: w.client,
      log: silentLog,
      limiter: createRateLimiter(10),
      backoff: { baseMs: 10, maxMs: 50 },
    });
    crm.fail(1, { type: 'status', status: 429, retryAfter: '1' });
    const before = crm.requests.length;
    // Twelve calls at once: the limiter hands each a slot ~100 ms apart before the first answer is in.
    const results = await Promise.all(Array.from({ length: 12 }, () => client.getInventories({ page: 1 })));
    expect(results).toHaveLength(12);
    expect(w.got429).toHaveLength(1);
    const arrivedAt = crm.requests[before].at;
    expect(sendsInsideWindow(w.sent, w.got429[0], arrivedAt)).toEqual([]);
    w.client.close();
  }, 30_000);
});
