import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { parseConfig } from '../config/load-config';
import { createHub, type Hub } from '../create-hub';
import { registerModule } from '../crm/register-module';
import { createLogger } from '../log/create-logger';
import { startFakeCrm } from '../../test/fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../test/fakes/fake-merchantpro';
import { startFakeSyncInventory } from '../../test/fakes/fake-syncinventory';
import { crmFor, flag, readJsonFile, type CliIo } from './cli-env';
import { buildModule } from '../crm/register-module';
import { projectFile } from '../project-file';
import { redactUrl } from '../storage/postgres/redact-url';
import { startDemoInstance, startDemoPostgres, type DemoInstance } from './demo-postgres';

const DEMO = {
  crmKey: 'demo-crm-key',
  clientId: 'demo-client-id',
  ship: 'demo-shipments-token',
  admin: 'demo-admin-token',
  mpKey: 'demo-mp-key',
  mpSecret: 'demo-mp-secret',
  erpKey: 'demo-erp-key',
};

async function until(fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * `npm run demo [-- --once]`: the hub on a SQLite file in a temp folder with local fakes of RetailCRM and two
 * MerchantPro shops and a SyncInventory ERP; plays register → activity → callbacks → fan-out → outage and recovery →
 * a shipment → the CRM asking for an order's stock, printing each step.
 */
export async function demoCommand(io: CliIo): Promise<number> {
  const once = flag(io.argv, 'once');
  // --postgres: an embedded PostgreSQL and two hub instances on it; callbacks alternate between them.
  const pg = flag(io.argv, 'postgres') ? await startDemoPostgres() : null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockbridge-demo-'));
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

  const port = Number(io.env.PORT ?? 0);
  const config = parseConfig(
    {
      server: { port, host: '127.0.0.1', publicUrl: 'http://127.0.0.1' },
      storage: pg ? { driver: 'postgres', url: pg.url } : { path: path.join(dir, 'stockbridge.db') },
      crm: { url: crm.url, apiKey: DEMO.crmKey, clientId: DEMO.clientId, site: 'main-shop' },
      auth: { shipmentsToken: DEMO.ship, adminToken: DEMO.admin },
      worker: { backoffBaseMs: 200, backoffMaxMs: 1000, pollMs: 200 },
      targets: [
        {
          name: 'ro-shop',
          type: 'merchantpro',
          url: ro.url,
          apiKey: DEMO.mpKey,
          apiSecret: DEMO.mpSecret,
          offerKey: 'xmlId',
          identifier: 'sku',
          warehouses: { main: 'Depozit central', north: 'Depozit nord' },
          multiWarehouse: true,
          requestsPerSecond: 4,
          concurrency: 2,
        },
        {
          name: 'bg-shop',
          type: 'merchantpro',
          url: bg.url,
          apiKey: DEMO.mpKey,
          apiSecret: DEMO.mpSecret,
          offerKey: 'xmlId',
          identifier: 'sku',
          warehouses: { main: 'Main' },
          multiWarehouse: false,
          requestsPerSecond: 4,
          concurrency: 2,
        },
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
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'silent' });
  const instances: DemoInstance[] = [];
  if (pg) for (let i = 0; i < 2; i++) instances.push(await startDemoInstance(config, log));
  const hub: Hub = instances[0]?.hub ?? createHub({ config, log });
  if (!pg) await hub.start();
  const server: Server = pg ? hub.app.listen(0, '127.0.0.1') : hub.app.listen(config.server.port, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`;

  io.out(
    `Stockbridge demo\n  hub:            ${base}\n  storage:        ${pg ? `${redactUrl(pg.url)} (embedded PostgreSQL), instances ${instances.map((i) => i.base).join(' and ')}` : config.storage.path}\n  fake RetailCRM: ${crm.url}\n  fake shops:     ro-shop ${ro.url} (multi-warehouse), bg-shop ${bg.url} (single warehouse)\n`,
  );
  let failed = 0;
  let n = 0;
  async function step(title: string, fn: () => Promise<string>) {
    n++;
    io.out(`${n}. ${title}`);
    try {
      io.out(`   ✔ ${(await fn()).split('\n').join('\n     ')}`);
    } catch (e) {
      failed++;
      io.out(`   ✘ ${(e as Error).message}`);
    }
  }
  let sent = 0;
  const callback = async (offers: unknown[]) => {
    const to = instances.length > 0 ? instances[sent++ % instances.length].base : base;
    const res = await fetch(`${to}/callbacks/inventories-upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ clientId: DEMO.clientId, offers: JSON.stringify(offers) }).toString(),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} ${body}`);
    return `HTTP ${res.status} ${body}`;
  };
  const stockLine = (shop: FakeMerchantPro, sku: string) => {
    const it = shop.bySku(sku)!;
    return it.warehouses ? it.warehouses.map((w) => `${w.name}=${w.stock}`).join(', ') : `stock=${it.stock}`;
  };
  // Delivered = nothing left to project and nothing due, as an operator reads it from the admin API.
  const delivered = () =>
    until(
      async () =>
        (await hub.admin.unprojectedCallbacks()) === 0 && (await hub.admin.listTargets()).every((t) => t.backlog === 0),
    );

  await step('Register the module in RetailCRM (POST /api/v5/integration-modules/stockbridge/edit)', async () => {
    const module = buildModule(readJsonFile(projectFile('module-config.json')), {
      STOCKBRIDGE_PUBLIC_URL: base,
      CRM_CLIENT_ID: DEMO.clientId,
    });
    const held = await registerModule(crmFor(config, log), module);
    return `the CRM holds "${held.code}", active=${held.active}, inventoriesUpload → ${held.baseUrl}/callbacks/inventories-upload`;
  });
  await step('The CRM activates the module (POST /callbacks/activity)', async () => {
    const res = await fetch(`${base}/callbacks/activity`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        clientId: DEMO.clientId,
        systemUrl: crm.url,
        activity: '{"active":true,"freeze":false}',
      }).toString(),
    });
    return `HTTP ${res.status} ${await res.text()}`;
  });
  await step(
    'The CRM sends stock for 3 offers in 2 warehouses (POST /callbacks/inventories-upload, form-encoded)',
    () =>
      callback([
        {
          xmlId: 'TSHIRT-BLK-XL',
          stores: [
            { code: 'main', available: 12 },
            { code: 'north', available: 3 },
          ],
        },
        {
          xmlId: 'MUG-WHITE',
          stores: [
            { code: 'main', available: 40 },
            { code: 'north', available: 0 },
          ],
        },
        {
          xmlId: 'CAP-RED',
          stores: [
            { code: 'main', available: 5 },
            { code: 'north', available: 5 },
          ],
        },
      ]),
  );
  await step('Fan-out: both shops receive absolute stock within their 4 requests/s limit', async () => {
    const t0 = Date.now();
    await delivered();
    return [
      `done in ${Date.now() - t0} ms; ${ro.writes.length + bg.writes.length} PATCHes`,
      ...['TSHIRT-BLK-XL', 'MUG-WHITE', 'CAP-RED'].map(
        (s) => `${s.padEnd(14)} ro-shop: ${stockLine(ro, s)} | bg-shop: ${stockLine(bg, s)}`,
      ),
    ].join('\n');
  });
  await step('The same callback again changes nothing and sends nothing', async () => {
    const before = ro.writes.length + bg.writes.length;
    await callback([
      {
        xmlId: 'MUG-WHITE',
        stores: [
          { code: 'main', available: 40 },
          { code: 'north', available: 0 },
        ],
      },
    ]);
    await delivered();
    const after = ro.writes.length + bg.writes.length;
    if (after !== before) throw new Error(`${after - before} unexpected writes`);
    return 'answered success; 0 writes to the shops';
  });
  await step('ro-shop goes down; three updates arrive for the same item; it comes back', async () => {
    ro.setFault('down');
    for (const q of [11, 10, 9]) await callback([{ xmlId: 'TSHIRT-BLK-XL', stores: [{ code: 'main', available: q }] }]);
    await until(async () => ((await hub.storage.deliveries.get('ro-shop', 'TSHIRT-BLK-XL'))?.attempts ?? 0) > 0);
    const failing = await hub.storage.deliveries.get('ro-shop', 'TSHIRT-BLK-XL');
    const writesBefore = ro.writes.length;
    ro.heal();
    await delivered();
    return (
      `while down: ${failing!.attempts} failed attempt(s), last error "${failing!.lastError}"\n` +
      `after recovery: ${ro.writes.length - writesBefore} write(s) to ro-shop (coalesced); TSHIRT-BLK-XL ro-shop: ${stockLine(ro, 'TSHIRT-BLK-XL')} | bg-shop: ${stockLine(bg, 'TSHIRT-BLK-XL')}`
    );
  });
  await step('The warehouse ships order WEB-1001 (POST /shipments) and the CRM order is marked shipped', async () => {
    crm.addOrder('WEB-1001');
    const res = await fetch(`${base}/shipments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${DEMO.ship}`,
        'idempotency-key': 'demo-ship-1',
      },
      body: JSON.stringify({ orderExternalId: 'WEB-1001', shipmentStore: 'main' }),
    });
    const created = (await res.json()) as { id: string; status: string };
    if (res.status !== 202) throw new Error(`HTTP ${res.status} ${JSON.stringify(created)}`);
    let shown: { status: string; attempts: number } = { status: 'pending', attempts: 0 };
    await until(async () => {
      shown = (await (
        await fetch(`${base}/shipments/${created.id}`, { headers: { authorization: `Bearer ${DEMO.ship}` } })
      ).json()) as typeof shown;
      return shown.status !== 'pending';
    });
    if (shown.status !== 'delivered') throw new Error(`shipment ${created.id} ${shown.status}`);
    const edit = crm.orderEdits.at(-1)!;
    return (
      `HTTP 202 ${JSON.stringify(created)} → ${shown.status} after ${shown.attempts} attempt(s)\n` +
      `CRM received POST /api/v5/orders/${edit.ref}/edit by=${edit.by} site=${edit.site} order=${JSON.stringify(edit.order)}`
    );
  });
  await step('Order WEB-1002 is created in the CRM; at its call point the CRM asks the module for stock', async () => {
    crm.addOrder('WEB-1002', 'main-shop', [{ id: 301, externalId: 'ext-tshirt', xmlId: 'TSHIRT-BLK-XL' }]);
    // The fake CRM keys its stock by externalId, as its uploads do.
    const crmStock = () => JSON.stringify(Object.fromEntries(crm.stock.get('ext-tshirt') ?? []));
    const crmBefore = crmStock();
    const t0 = Date.now();
    const { status, reply } = await crm.callPoint(`${base}/callbacks/inventories-upload`, DEMO.clientId, {
      order: { externalId: 'WEB-1002', site: 'main-shop' },
    });
    const took = Date.now() - t0;
    if (status !== 200) throw new Error(`HTTP ${status} ${JSON.stringify(reply)}`);
    const read = crm.requests.find((r) => r.path === '/api/v5/orders/WEB-1002');
    const asked = erp.requests.at(-1);
    // The figures learned for the reply go through intake to the shops (recorded right after the answer).
    await until(
      () =>
        stockLine(ro, 'TSHIRT-BLK-XL').startsWith('Depozit central=7') && stockLine(bg, 'TSHIRT-BLK-XL') === 'stock=7',
    );
    await delivered();
    return [
      `the module read the order: GET ${read?.path}?${read?.query.toString()}`,
      `and asked SyncInventory: Skucode=${asked?.query.get('Skucode')} → godown 97637 = 7`,
      `reply in ${took} ms: ${JSON.stringify(reply)}`,
      `the CRM applied the reply: stock of TSHIRT-BLK-XL ${crmBefore} → ${crmStock()}`,
      `shops: ro-shop: ${stockLine(ro, 'TSHIRT-BLK-XL')} | bg-shop: ${stockLine(bg, 'TSHIRT-BLK-XL')}`,
    ].join('\n');
  });
  await step('A callback of a shape nobody documented is answered with no offers and kept for operators', async () => {
    const { reply } = await crm.callPoint(`${base}/callbacks/inventories-upload`, DEMO.clientId, {
      products: [{ article: 'X-1' }],
    });
    const res = await fetch(`${base}/admin/callbacks/recent`, { headers: { authorization: `Bearer ${DEMO.admin}` } });
    const { callbacks } = (await res.json()) as { callbacks: Array<{ reading: string; body: string }> };
    return `reply ${JSON.stringify(reply)}; GET /admin/callbacks/recent → ${callbacks[0].reading}: ${callbacks[0].body}`;
  });
  await step('Operators see each target (GET /admin/targets)', async () => {
    const res = await fetch(`${base}/admin/targets`, { headers: { authorization: `Bearer ${DEMO.admin}` } });
    const body = (await res.json()) as {
      targets: Array<{ name: string; state: string; backlog: number; dead: number }>;
    };
    return body.targets.map((t) => `${t.name}: ${t.state}, backlog ${t.backlog}, dead letters ${t.dead}`).join('\n');
  });

  io.out(`\n${failed === 0 ? 'All steps succeeded.' : `${failed} step(s) failed.`}`);
  const shutdown = async () => {
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
    if (pg) for (const i of instances) await i.stop();
    else await hub.stop();
    await pg?.stop();
    await Promise.all([crm.close(), ro.close(), bg.close(), erp.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (once) {
    await shutdown();
    return failed === 0 ? 0 : 1;
  }
  io.out(
    `\nStill serving at ${base} (admin token: ${DEMO.admin}; try: curl -H 'Authorization: Bearer ${DEMO.admin}' ${base}/admin/targets). Ctrl-C to stop.`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await shutdown();
  return failed === 0 ? 0 : 1;
}
