import { execFile } from 'node:child_process';
import path from 'node:path';
import { urlPassword } from '../../src/storage/postgres/redact-url';
import { startFakeCrm, type FakeCrm } from '../../src/demo/fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../src/demo/fakes/fake-merchantpro';
import { formBody, offer } from '../helpers/callback-bodies';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres-database';
import { rawConfig, SECRETS, targetRaw, tmpDir, waitFor } from '../helpers/test-config';
import { startHubFleet, writeFleetConfig, type HubFleet } from './multi-instance-hubs';

/**
 * The shop refuses (429) above SHOP_RPS in any sliding second; the target is configured at TARGET_RPS, as an
 * operator sets it a little under the shop's limit. The gap covers arrival jitter on a loaded 2-core machine
 * (measured here: one sender at 8/s configured against an 8/s shop is occasionally counted 9 in a second when
 * the fake's event loop stalls); three instances sending on their own would reach 3 × TARGET_RPS, far above.
 */
const SHOP_RPS = 8;
const TARGET_RPS = 6;
const SKUS = Array.from({ length: 24 }, (_, i) => `SKU-${i}`);
const ORDERS = ['ORD-1', 'ORD-2', 'ORD-3'];

/** Most requests seen in any sliding one-second window. */
function maxPerSecond(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i] - t[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('three hub processes on one PostgreSQL', () => {
  let tdb: TestDatabase;
  let shop: FakeMerchantPro;
  let crm: FakeCrm;
  let fleet: HubFleet | undefined;

  beforeAll(async () => {
    tdb = await createTestDatabase('fleet');
    shop = await startFakeMerchantPro({
      apiKey: SECRETS.mpKey,
      apiSecret: SECRETS.mpSecret,
      multiWarehouse: true,
      requestsPerSecond: SHOP_RPS,
    });
    SKUS.forEach((s) => shop.addItem(s));
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    ORDERS.forEach((o) => crm.addOrder(o));
  });
  afterAll(async () => {
    await fleet?.stopAll();
    await shop.close();
    await crm.close();
    await tdb.drop();
  });

  it('SIGKILL of one and restart of another mid-burst: every acknowledged figure arrives, newest wins, the shop limit holds for all together, each shipment once in order', async () => {
    const configFile = writeFleetConfig(
      tmpDir(),
      rawConfig({
        storage: { driver: 'postgres', url: tdb.url, poolSize: 4 },
        log: { level: 'info' },
        crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
        targets: [targetRaw('shop', shop.url, { requestsPerSecond: TARGET_RPS, concurrency: 2, timeoutMs: 1000 })],
        worker: { leaseMs: 3000, pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500, drainMs: 2000 },
      }),
    );
    fleet = await startHubFleet(configFile, 3);
    const f = fleet;

    // Acknowledged figures only: a callback posted to an instance as it dies may be refused (the CRM resends those).
    const newest = new Map<string, number>();
    let n = 0;
    const post = async (round: number) => {
      const hub = f.pick(n++);
      const figures = SKUS.map((sku, i) => [sku, round * 100 + i] as const);
      const res = await fetch(`${hub.url}/callbacks/inventories-upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody(figures.map(([sku, q]) => offer(sku, { main: q }))),
      }).catch(() => null);
      if (res?.status === 200) for (const [sku, q] of figures) newest.set(sku, Math.max(newest.get(sku) ?? 0, q));
    };
    const shipments: Array<{ order: string; date: string }> = [];
    const ship = async (k: number) => {
      const order = ORDERS[k % ORDERS.length];
      const date = `2026-11-${String(10 + k).padStart(2, '0')}`;
      const res = await fetch(`${f.pick(k).url}/shipments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.shipmentsToken}` },
        body: JSON.stringify([{ orderExternalId: order, shipmentStore: 'main', shipmentDate: date }]),
      }).catch(() => null);
      if (res?.status === 202) shipments.push({ order, date });
    };

    for (let round = 1; round <= 6; round++) {
      await post(round);
      await ship(round);
    }
    await waitFor(() => shop.writes.length >= 4, { what: 'deliveries under way' });
    // Kill the instance that owns the shop (the interesting handover), or the first one if no one logged it yet.
    const victim = Math.max(0, [0, 1, 2].find((i) => f.ownedBy(i).includes('target:shop')) ?? 0);
    const killAt = Date.now();
    await f.kill(victim);
    for (let round = 7; round <= 10; round++) {
      await post(round);
      await ship(round);
    }
    const restartAt = Date.now();
    await f.restart((victim + 1) % 3);
    const restartedAt = Date.now();
    for (let round = 11; round <= 14; round++) {
      await post(round);
      await ship(round);
    }

    const stock = (sku: string) => shop.bySku(sku)!.warehouses![0].stock;
    await waitFor(() => SKUS.every((s) => stock(s) === newest.get(s)), {
      timeoutMs: 60_000,
      what: 'every acknowledged newest figure on the shop',
    });
    expect(newest.get(SKUS[0])).toBe(1400);
    // The shop's limit held across all instances together: it never refused one for its rate, nor saw too many.
    if (shop.rejected429 > 0) {
      const t = shop.requests.map((r) => r.at).sort((a, b) => a - b);
      let worst = 0;
      for (let i = 0, j = 0; i < t.length; i++) {
        while (t[i] - t[j] >= 1000) j++;
        if (i - j + 1 > SHOP_RPS) worst = t[j]!;
      }
      const rel = (x: number) => x - worst;
      throw new Error(
        `429 x${shop.rejected429}; window from ${worst}: arrivals ${t
          .filter((x) => x >= worst && x < worst + 1300)
          .map(rel)
          .join(
            ',',
          )}; kill ${rel(killAt)}, restart ${rel(restartAt)}..${rel(restartedAt)}; owners ${[0, 1, 2].map((i) => f.ownedBy(i).join('+')).join(' | ')}; victim ${victim}`,
      );
    }
    expect(maxPerSecond(shop.requests.map((r) => r.at))).toBeLessThanOrEqual(SHOP_RPS);
    // The shop changed hands: the killed owner, then another instance.
    expect(f.ownedBy(victim)).toContain('target:shop');
    expect([0, 1, 2].filter((i) => i !== victim && f.ownedBy(i).includes('target:shop')).length).toBeGreaterThan(0);
    // Versions never went back on any item.
    const last = new Map<string, number>();
    for (const w of shop.writes) {
      expect(w.version!).toBeGreaterThanOrEqual(last.get(w.sku) ?? 0);
      last.set(w.sku, w.version!);
    }

    await waitFor(() => crm.orderEdits.length >= shipments.length, {
      timeoutMs: 60_000,
      what: 'every accepted shipment report at the CRM',
    });
    for (const order of ORDERS) {
      const sent = crm.orderEdits.filter((e) => e.ref === order).map((e) => String(e.order.shipmentDate));
      const accepted = shipments.filter((s) => s.order === order).map((s) => s.date);
      // Each once, in arrival order. (The killed instance held no CRM send here unless it owned the sender; then
      // an edit in flight at the kill may be repeated, right after itself: collapse such an immediate repeat.)
      const collapsed = sent.filter((d, i) => i === 0 || d !== sent[i - 1]);
      expect(collapsed).toEqual(accepted);
      if (!f.ownedBy(victim).includes('crm-shipments')) expect(sent).toEqual(accepted);
    }
    // Nothing any instance printed holds the database password.
    for (const h of f.hubs) expect(h.output()).not.toContain(urlPassword(tdb.url));
  });

  it('a wrong database password stops start-up with a message that does not show it', async () => {
    const url = new URL(tdb.url);
    url.password = 'wrong-secret-5f1c';
    const configFile = writeFleetConfig(
      tmpDir(),
      rawConfig({ storage: { driver: 'postgres', url: '${PG_URL}' }, log: { level: 'info' } }),
    );
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(__dirname, '../../dist/src/main.js')],
        { env: { ...process.env, STOCKBRIDGE_CONFIG: configFile, PG_URL: url.toString(), PORT: '0' }, timeout: 20_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
      ),
    );
    expect(code).toBe(1);
    expect(out).toMatch(/failed to start: .*password authentication failed/);
    expect(out).not.toContain('wrong-secret-5f1c');
  });
});
