import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { Hub } from '../compose/create-hub';
import { buildModule, registerModule } from '../integrations/retailcrm/register-module';
import { projectFile } from '../config/project-file';
import { crmFor, readJsonFile } from '../cli/cli-env';
import { DEMO, stockLine, until, type DemoFakes } from './demo-fakes';

/** What the demo's steps act on: the fakes, the hub (one or the first of two) and its address. */
export interface DemoContext extends DemoFakes {
  config: Config;
  log: Logger;
  hub: Hub;
  base: string;
  /** POST an inventories-upload callback (alternating between instances when there are two); throws unless 200. */
  callback: (offers: unknown[]) => Promise<string>;
  /** Nothing left to project and nothing due, as an operator reads it from the admin API. */
  delivered: () => Promise<void>;
}

export interface DemoStep {
  title: string;
  run: (c: DemoContext) => Promise<string>;
}

const offer = (xmlId: string, main: number, north: number) => ({
  xmlId,
  stores: [
    { code: 'main', available: main },
    { code: 'north', available: north },
  ],
});

const adminGet = (c: DemoContext, p: string) =>
  fetch(`${c.base}${p}`, { headers: { authorization: `Bearer ${DEMO.admin}` } });

async function register(c: DemoContext): Promise<string> {
  const module = buildModule(readJsonFile(projectFile('module-config.json')), {
    STOCKBRIDGE_PUBLIC_URL: c.base,
    CRM_CLIENT_ID: DEMO.clientId,
  });
  const held = await registerModule(crmFor(c.config, c.log), module);
  return (
    `the CRM holds "${held.code}", active=${held.active}, ` +
    `inventoriesUpload → ${held.baseUrl}/callbacks/inventories-upload`
  );
}

async function activate(c: DemoContext): Promise<string> {
  const res = await fetch(`${c.base}/callbacks/activity`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      clientId: DEMO.clientId,
      systemUrl: c.crm.url,
      activity: '{"active":true,"freeze":false}',
    }).toString(),
  });
  return `HTTP ${res.status} ${await res.text()}`;
}

async function fanOut(c: DemoContext): Promise<string> {
  const t0 = Date.now();
  await c.delivered();
  return [
    `done in ${Date.now() - t0} ms; ${c.ro.writes.length + c.bg.writes.length} PATCHes`,
    ...['TSHIRT-BLK-XL', 'MUG-WHITE', 'CAP-RED'].map(
      (s) => `${s.padEnd(14)} ro-shop: ${stockLine(c.ro, s)} | bg-shop: ${stockLine(c.bg, s)}`,
    ),
  ].join('\n');
}

async function sameAgain(c: DemoContext): Promise<string> {
  const before = c.ro.writes.length + c.bg.writes.length;
  await c.callback([offer('MUG-WHITE', 40, 0)]);
  await c.delivered();
  const after = c.ro.writes.length + c.bg.writes.length;
  if (after !== before) throw new Error(`${after - before} unexpected writes`);
  return 'answered success; 0 writes to the shops';
}

async function outage(c: DemoContext): Promise<string> {
  const { ro, bg, hub } = c;
  ro.setFault('down');
  for (const q of [11, 10, 9]) await c.callback([{ xmlId: 'TSHIRT-BLK-XL', stores: [{ code: 'main', available: q }] }]);
  await until(async () => ((await hub.storage.deliveries.get('ro-shop', 'TSHIRT-BLK-XL'))?.attempts ?? 0) > 0);
  const failing = await hub.storage.deliveries.get('ro-shop', 'TSHIRT-BLK-XL');
  const writesBefore = ro.writes.length;
  ro.heal();
  await c.delivered();
  return (
    `while down: ${failing!.attempts} failed attempt(s), last error "${failing!.lastError}"\n` +
    `after recovery: ${ro.writes.length - writesBefore} write(s) to ro-shop (coalesced); ` +
    `TSHIRT-BLK-XL ro-shop: ${stockLine(ro, 'TSHIRT-BLK-XL')} | bg-shop: ${stockLine(bg, 'TSHIRT-BLK-XL')}`
  );
}

async function shipment(c: DemoContext): Promise<string> {
  const { base, crm } = c;
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
    `CRM received POST /api/v5/orders/${edit.ref}/edit by=${edit.by} site=${edit.site} ` +
    `order=${JSON.stringify(edit.order)}`
  );
}

async function callPoint(c: DemoContext): Promise<string> {
  const { base, crm, erp, ro, bg } = c;
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
  await c.delivered();
  return [
    `the module read the order: GET ${read?.path}?${read?.query.toString()}`,
    `and asked SyncInventory for its list (${asked?.query.has('Skucode') ? 'one SKU' : 'every SKU, one request'}) → TSHIRT-BLK-XL: godown 97637 = 7`,
    `reply in ${took} ms: ${JSON.stringify(reply)}`,
    `the CRM applied the reply: stock of TSHIRT-BLK-XL ${crmBefore} → ${crmStock()}`,
    `shops: ro-shop: ${stockLine(ro, 'TSHIRT-BLK-XL')} | bg-shop: ${stockLine(bg, 'TSHIRT-BLK-XL')}`,
  ].join('\n');
}

async function oddCallback(c: DemoContext): Promise<string> {
  const { reply } = await c.crm.callPoint(`${c.base}/callbacks/inventories-upload`, DEMO.clientId, {
    products: [{ article: 'X-1' }],
  });
  const res = await adminGet(c, '/admin/callbacks/recent');
  const { callbacks } = (await res.json()) as { callbacks: Array<{ reading: string; body: string }> };
  return (
    `reply ${JSON.stringify(reply)}; ` + `GET /admin/callbacks/recent → ${callbacks[0].reading}: ${callbacks[0].body}`
  );
}

async function targets(c: DemoContext): Promise<string> {
  const res = await adminGet(c, '/admin/targets');
  const body = (await res.json()) as {
    targets: Array<{ name: string; state: string; backlog: number; dead: number }>;
  };
  return body.targets.map((t) => `${t.name}: ${t.state}, backlog ${t.backlog}, dead letters ${t.dead}`).join('\n');
}

/** The demo's story, in order: each step returns what it shows, or throws what went wrong. */
export const DEMO_STEPS: readonly DemoStep[] = [
  { title: 'Register the module in RetailCRM (POST /api/v5/integration-modules/stockbridge/edit)', run: register },
  { title: 'The CRM activates the module (POST /callbacks/activity)', run: activate },
  {
    title: 'The CRM sends stock for 3 offers in 2 warehouses (POST /callbacks/inventories-upload, form-encoded)',
    run: (c) => c.callback([offer('TSHIRT-BLK-XL', 12, 3), offer('MUG-WHITE', 40, 0), offer('CAP-RED', 5, 5)]),
  },
  { title: 'Fan-out: both shops receive absolute stock within their 4 requests/s limit', run: fanOut },
  { title: 'The same callback again changes nothing and sends nothing', run: sameAgain },
  { title: 'ro-shop goes down; three updates arrive for the same item; it comes back', run: outage },
  {
    title: 'The warehouse ships order WEB-1001 (POST /shipments) and the CRM order is marked shipped',
    run: shipment,
  },
  {
    title: 'Order WEB-1002 is created in the CRM; at its call point the CRM asks the module for stock',
    run: callPoint,
  },
  {
    title: 'A callback of a shape nobody documented is answered with no offers and kept for operators',
    run: oddCallback,
  },
  { title: 'Operators see each target (GET /admin/targets)', run: targets },
];
