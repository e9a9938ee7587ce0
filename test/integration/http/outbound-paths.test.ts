import type { MerchantProTargetConfig } from '../../../src/config/config-types';
import type { TargetFigure } from '../../../src/storage/stores';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../../src/config/load-config';
import { createCrmClient } from '../../../src/integrations/retailcrm/crm-client';
import { CrmError } from '../../../src/integrations/retailcrm/crm-error';
import { createHttpClient } from '../../../src/integrations/http-client/http-client';
import { createRateLimiter } from '../../../src/integrations/http-client/rate-limiter';
import { createMerchantProTarget } from '../../../src/integrations/merchantpro/merchantpro-target';
import { rawConfig, SECRETS, silentLog, targetRaw } from '../../helpers/test-config';

/** A real server that records the request line's target exactly as it arrived (`req.url`, not re-parsed). */
async function recordingServer() {
  const urls: string[] = [];
  const server = http.createServer((req, res) => {
    urls.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true,"id":1}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    urls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('outbound paths over a real socket: one identifier, one segment, one resource', () => {
  let srv: Awaited<ReturnType<typeof recordingServer>>;
  const client = createHttpClient();
  beforeAll(async () => {
    srv = await recordingServer();
  });
  afterAll(async () => {
    client.close();
    await srv.close();
  });
  beforeEach(() => {
    srv.urls.length = 0;
  });

  const shop = () => {
    const t = createMerchantProTarget(
      parseConfig(rawConfig({ targets: [targetRaw('shop', srv.url)] }), {}).targets[0] as MerchantProTargetConfig,
      client,
    );
    return {
      write: async (item: string, rows: TargetFigure[], version: number) =>
        (await t.writeBatch([{ item, rows, version }], { pace: async () => {} }))[0],
    };
  };
  const crm = () =>
    createCrmClient({
      baseUrl: srv.url,
      apiKey: SECRETS.crmApiKey,
      http: client,
      log: silentLog,
      limiter: createRateLimiter(1000),
    });
  const rows = [{ warehouse: 'main', quantity: 3, version: 1 }];

  it.each([
    ['a/b', '/api/v2/inventory/sku/a%2Fb'],
    ['x y', '/api/v2/inventory/sku/x%20y'],
    ['%2e%2e', '/api/v2/inventory/sku/%252e%252e'],
    ['...', '/api/v2/inventory/sku/...'],
    ['a\\b', '/api/v2/inventory/sku/a%5Cb'],
    ['?q#h', '/api/v2/inventory/sku/%3Fq%23h'],
    ['ș😀', '/api/v2/inventory/sku/%C8%99%F0%9F%98%80'],
  ])('MerchantPro PATCH for %j goes to %s', async (item, path) => {
    const res = await shop().write(item, rows, 1);
    expect(res.outcome).toBe('ok');
    expect(srv.urls).toEqual([`PATCH ${path}`]);
  });

  it.each(['.', '..'])('MerchantPro: %j is never sent (a permanent failure with its reason)', async (item) => {
    const res = await shop().write(item, rows, 1);
    expect(res).toMatchObject({ outcome: 'permanent', status: null });
    expect(res.message).toMatch(/one URL path segment/);
    expect(srv.urls).toEqual([]);
  });

  it('CRM order edit: a reference is one segment; "." and ".." are refused, not sent', async () => {
    await crm().editOrder({ ref: 'A/1 ..', by: 'externalId', site: 's', order: { shipped: true } });
    expect(srv.urls).toEqual(['POST /api/v5/orders/A%2F1%20../edit']);
    for (const ref of ['.', '..']) {
      const err = await crm()
        .editOrder({ ref, by: 'externalId', site: 's', order: { shipped: true } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CrmError);
      expect((err as CrmError).retryable).toBe(false);
    }
    expect(srv.urls).toHaveLength(1);
  });

  it('CRM module paths: the code is one segment', async () => {
    await crm().getModule('a/../b');
    expect(srv.urls).toEqual(['GET /api/v5/integration-modules/a%2F..%2Fb']);
  });
});
