import { parseConfig } from '../src/config/load-config';
import type { Config } from '../src/config/config-types';
import { startFakeMerchantPro, type FakeMerchantProOptions } from '../src/demo/fakes/fake-merchantpro';
import { BENCH_CLIENT_ID } from './bench-util';

/** The benchmarks' fake shop: one warehouse "A", multi-warehouse, bench credentials. */
export function startBenchShop(extra: Partial<FakeMerchantProOptions> = {}) {
  return startFakeMerchantPro({
    apiKey: 'bench-key',
    apiSecret: 'bench-secret',
    multiWarehouse: true,
    warehouses: ['A'],
    ...extra,
  });
}

const FAST = { requestsPerSecond: 100000, concurrency: 8 };

/** The one target ("shop", CRM warehouse main → A) the fan-out and backlog benchmarks push to; fast by default. */
export const benchShopTarget = (url: string, extra: Record<string, unknown> = FAST) => ({
  name: 'shop',
  type: 'merchantpro',
  url,
  apiKey: 'bench-key',
  apiSecret: 'bench-secret',
  offerKey: 'xmlId',
  warehouses: { main: 'A' },
  multiWarehouse: true,
  ...extra,
});

const intakeTarget = (name: string) => ({
  name,
  type: 'merchantpro',
  url: 'http://127.0.0.1:9',
  apiKey: 'k',
  apiSecret: 's',
  offerKey: 'xmlId',
  identifier: 'sku',
  warehouses: { main: 'A', north: 'B' },
  multiWarehouse: true,
});

/** The intake benchmarks' hub: on `storage`, with 2 unreachable targets (shop-a, shop-b) unless `noTargets`. */
export function intakeBenchConfig(storage: Record<string, unknown>, noTargets = false): Config {
  return parseConfig(
    {
      server: { port: 0, publicUrl: 'http://127.0.0.1' },
      storage,
      crm: { url: 'http://127.0.0.1:9', apiKey: 'k', clientId: BENCH_CLIENT_ID, site: 's' },
      auth: { shipmentsToken: 't', adminToken: 'a' },
      targets: noTargets ? [] : [intakeTarget('shop-a'), intakeTarget('shop-b')],
    },
    {},
  );
}
