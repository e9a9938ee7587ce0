import path from 'node:path';
import { parseConfig } from '../config/load-config';
import type { Config } from '../config/config-types';
import { startFakeCrm, type FakeCrm } from './fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from './fakes/fake-merchantpro';
import { startFakeSyncInventory, type FakeSyncInventory } from './fakes/fake-syncinventory';

export const DEMO = {
  crmKey: 'demo-crm-key',
  clientId: 'demo-client-id',
  ship: 'demo-shipments-token',
  admin: 'demo-admin-token',
  mpKey: 'demo-mp-key',
  mpSecret: 'demo-mp-secret',
  erpKey: 'demo-erp-key',
};

/** The demo's outside world: a RetailCRM, two MerchantPro shops and the warehouse's ERP, all local fakes. */
export interface DemoFakes {
  crm: FakeCrm;
  ro: FakeMerchantPro;
  bg: FakeMerchantPro;
  erp: FakeSyncInventory;
  close(): Promise<void>;
}

export async function startDemoFakes(): Promise<DemoFakes> {
  const crm = await startFakeCrm({ apiKey: DEMO.crmKey });
  const ro = await startFakeMerchantPro({
    apiKey: DEMO.mpKey,
    apiSecret: DEMO.mpSecret,
    multiWarehouse: true,
    warehouses: ['Depozit central', 'Depozit nord'],
    requestsPerSecond: 4,
  });
  const bg = await startFakeMerchantPro({
    apiKey: DEMO.mpKey,
    apiSecret: DEMO.mpSecret,
    multiWarehouse: false,
    requestsPerSecond: 4,
  });
  // The warehouse's ERP (ITServer SyncInventory): the CRM's stock questions are answered from it.
  const erp = await startFakeSyncInventory({ apiKey: DEMO.erpKey });
  erp.add('TSHIRT-BLK-XL', { '97637': 7 });
  for (const sku of ['TSHIRT-BLK-XL', 'MUG-WHITE', 'CAP-RED']) {
    ro.addItem(sku);
    bg.addItem(sku);
  }
  const close = async () => {
    await Promise.all([crm.close(), ro.close(), bg.close(), erp.close()]);
  };
  return { crm, ro, bg, erp, close };
}

const demoTarget = (name: string, url: string, warehouses: Record<string, string>, multiWarehouse: boolean) => ({
  name,
  type: 'merchantpro',
  url,
  apiKey: DEMO.mpKey,
  apiSecret: DEMO.mpSecret,
  offerKey: 'xmlId',
  identifier: 'sku',
  warehouses,
  multiWarehouse,
  requestsPerSecond: 4,
  concurrency: 2,
});

/** The hub's config against the fakes: SQLite in `dir`, or the PostgreSQL at `pgUrl`. */
export function demoConfig(fakes: DemoFakes, port: number, dir: string, pgUrl: string | undefined): Config {
  const { crm, ro, bg, erp } = fakes;
  return parseConfig(
    {
      server: { port, host: '127.0.0.1', publicUrl: 'http://127.0.0.1' },
      storage: pgUrl ? { driver: 'postgres', url: pgUrl } : { path: path.join(dir, 'stockbridge.db') },
      crm: { url: crm.url, apiKey: DEMO.crmKey, clientId: DEMO.clientId, site: 'main-shop' },
      auth: { shipmentsToken: DEMO.ship, adminToken: DEMO.admin },
      worker: { backoffBaseMs: 200, backoffMaxMs: 1000, pollMs: 200 },
      targets: [
        demoTarget('ro-shop', ro.url, { main: 'Depozit central', north: 'Depozit nord' }, true),
        demoTarget('bg-shop', bg.url, { main: 'Main' }, false),
      ],
      sources: [
        {
          name: 'erp',
          type: 'syncinventory',
          url: erp.url,
          apiKey: DEMO.erpKey,
          offerKey: 'xmlId',
          warehouses: { '97637': 'main' },
        },
      ],
    },
    {},
  );
}

export async function until(fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A shop's stock of one item as the demo prints it. */
export const stockLine = (shop: FakeMerchantPro, sku: string) => {
  const it = shop.bySku(sku)!;
  return it.warehouses ? it.warehouses.map((w) => `${w.name}=${w.stock}`).join(', ') : `stock=${it.stock}`;
};
