import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load-config';
import { createHub } from '../src/compose/create-hub';
import { createLogger } from '../src/log/create-logger';
import { openSqliteStorage } from '../src/storage/open-storage';
import { createSecretBox } from '../src/accounts/secret-box';
import { sealPart } from '../src/accounts/stored-accounts';
import { secretHash } from '../src/accounts/account-registry';
import { createSqliteStores } from '../src/storage/sqlite/create-sqlite-stores';

/** The clientId of bench account i (deterministic, so the load generator can name any account). */
export const benchClientId = (i: number) => `bench-client-${String(i).padStart(5, '0')}`;

const shopTarget = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'merchantpro',
  url,
  apiKey: 'bench-key',
  apiSecret: 'bench-secret',
  offerKey: 'xmlId',
  warehouses: { main: 'A' },
  multiWarehouse: true,
  requestsPerSecond: 100000,
  concurrency: 8,
  timeoutMs: 5000,
  ...extra,
});

const syncSource = (url: string) => ({
  name: 'erp',
  type: 'syncinventory',
  url,
  apiKey: 'bench-si',
  offerKey: 'externalId',
  warehouses: { '1': 'main' },
});

/**
 * Child process of bench/accounts.ts: a hub on SQLite serving N accounts connected at runtime (rows sealed in its
 * database, as POST /admin/accounts stores them), each with 2 shops.
 *   idle N SHOP_URL       → prints RESULT {rssMb, cpuPercent} after a settle and a measurement window
 *   serve N SHOP_URL HOLD [A_SHOP A_CRM A_SI] → prints PORT; HOLD=1 holds every account's delivery (intake
 *     measured alone); with A_*, account m00000 is merchant A (4 requests/s shops, a CRM and a SyncInventory source)
 */
async function main() {
  const [mode, nRaw, shopUrl, hold, aShopUrl, aCrmUrl, aSiUrl] = process.argv.slice(2);
  const n = Number(nRaw);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-accounts-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const dbPath = path.join(dir, 'hub.db');
  const box = createSecretBox(crypto.randomBytes(32));
  // The accounts, stored as a connect stores them (sealed part, hashes), before the hub starts.
  const seed = createSqliteStores({ path: dbPath });
  const at = Date.now();
  for (let i = 0; i < n; i++) {
    const name = `m${String(i).padStart(5, '0')}`;
    const clientId = benchClientId(i);
    // Account 0 may be the loaded merchant A: its shops limited to 4 requests/s, its CRM and sync source given.
    const loaded = i === 0 && aShopUrl !== undefined;
    const shops = loaded
      ? aShopUrl.split(',').map((u, k) => shopTarget(`shop-${k + 1}`, u, { requestsPerSecond: 4, concurrency: 2 }))
      : [shopTarget('shop-1', shopUrl), shopTarget('shop-2', shopUrl)];
    const part = {
      apiKey: `key-${i}`,
      clientId,
      shipmentsToken: null,
      targets: shops,
      sources: loaded ? [syncSource(aSiUrl)] : [],
    };
    await seed.accounts.insert({
      name,
      url: loaded ? aCrmUrl : `https://${name}.retailcrm.ru`,
      site: 's',
      language: null,
      scopes: [],
      clientIdHash: secretHash(clientId),
      tokenHash: null,
      active: true,
      connectedAt: at,
      updatedAt: at,
      ...sealPart(box, name, part),
    });
    if (hold === '1') await seed.hubState.setModule({ active: false, freeze: false, updatedAt: at }, name);
  }
  await seed.close();
  const config = parseConfig(
    {
      server: { port: 0, publicUrl: 'https://hub.bench' },
      storage: { path: dbPath },
      accounts: [],
      auth: { adminToken: 'admin-token-bench' },
      log: { level: 'silent' },
    },
    {},
  );
  const storage = openSqliteStorage(config, { projectorThread: true });
  const hub = createHub({ config, log: createLogger({ level: 'silent' }), storage, secretBox: box });
  const t0 = Date.now();
  await hub.start();
  const startMs = Date.now() - t0;
  if (mode === 'idle') {
    await new Promise((r) => setTimeout(r, 5_000)); // settle: start-up work done, every loop asleep
    const windowMs = Number(process.env.BENCH_IDLE_MS ?? 20_000);
    const cpu0 = process.cpuUsage();
    const w0 = Date.now();
    let rss = process.memoryUsage().rss;
    const sample = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 250);
    await new Promise((r) => setTimeout(r, windowMs));
    clearInterval(sample);
    const cpu = process.cpuUsage(cpu0);
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / (Date.now() - w0)) * 100;
    process.stdout.write(
      `RESULT ${JSON.stringify({ accounts: hub.accounts.list().length, targets: hub.accounts.allTargets().length, startMs, rssMb: rss / 1048576, cpuPercent })}\n`,
    );
    await hub.stop();
    process.exit(0);
  }
  const s = hub.app.listen(0, '127.0.0.1', () =>
    process.stdout.write(`PORT ${(s.address() as { port: number }).port}\n`),
  );
  process.on('SIGTERM', () => process.exit(0));
}

if (require.main === module) void main(); // imported by bench/accounts.ts for benchClientId
