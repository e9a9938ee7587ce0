import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchShopTarget } from './bench-fixtures';
import { parseConfig } from '../src/config/load-config';
import type { Config } from '../src/config/config-types';
import { createHub, type Hub } from '../src/compose/create-hub';
import { createLogger } from '../src/log/create-logger';
import { openStorage } from '../src/storage/open-storage';
import { startEmbeddedPostgres } from '../src/storage/postgres/start-embedded-postgres';
import { fmt, spawnServer, table } from './bench-util';
import { record } from './summary';

const log = createLogger({ level: 'silent' });

function config(shopUrl: string, storage: Record<string, unknown>): Config {
  return parseConfig(
    {
      server: { publicUrl: 'http://x' },
      storage,
      crm: { url: 'http://127.0.0.1:9', apiKey: 'k', clientId: 'c', site: 's' },
      auth: { shipmentsToken: 't', adminToken: 'a' },
      worker: { pollMs: 200 },
      targets: [benchShopTarget(shopUrl)],
    },
    {},
  );
}

/** n items made due, then delivery switched on: writes/s until the backlog is empty, on every instance given. */
async function drain(hubs: Hub[], n: number): Promise<number> {
  for (const h of hubs) await h.activity.set({ active: false, freeze: false });
  for (const h of hubs) await h.start();
  const offers = (c: number, k: number) =>
    Array.from({ length: k }, (_, i) => ({
      xmlId: `SKU-${c + i}`,
      stores: [{ code: 'main', available: (i + 7) % 50 }],
    }));
  for (let c = 0; c < n; c += 1000) await hubs[0].intake.accept([], JSON.stringify(offers(c, Math.min(1000, n - c))));
  for (;;) {
    hubs[0].projector.kick();
    await hubs[0].projector.idle();
    if ((await hubs[0].admin.unprojectedCallbacks()) === 0) break;
  }
  const t0 = Date.now();
  for (const h of hubs) await h.activity.set({ active: true, freeze: false });
  while ((await hubs[0].admin.listTargets())[0].backlog > 0) await new Promise((r) => setTimeout(r, 20));
  const rate = n / ((Date.now() - t0) / 1000);
  for (const h of hubs) await h.stop();
  return rate;
}

/**
 * `bench:fanout -- --postgres`: the worker's drain rate (no shop limits, concurrency 8) on SQLite, on PostgreSQL
 * with one instance and with two. One owner per target: the second instance does not add throughput to one shop
 * (by design: the shop's limits hold across instances); it takes over when the owner dies.
 */
export async function fanoutPostgres(n: number) {
  console.log(`bench:fanout --postgres — ${os.cpus().length} cores`);
  const srv = await spawnServer('fake-shop-server.js', [String(n)]);
  const pg = await startEmbeddedPostgres({ fast: false });
  const shopUrl = `http://127.0.0.1:${srv.port}`;
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-fanout-pg-'));
    const sqlite = await drain([createHub({ config: config(shopUrl, { path: path.join(dir, 'f.db') }), log })], n);
    fs.rmSync(dir, { recursive: true, force: true });
    const rates: number[] = [];
    for (const instances of [1, 2]) {
      const url = await pg.createDatabase(`bench_fanout_${instances}`);
      const cfg = config(shopUrl, { driver: 'postgres', url });
      const hubs: Hub[] = [];
      for (let i = 0; i < instances; i++) {
        const h = await openStorage(cfg, log, { role: 'service' });
        hubs.push(createHub({ config: cfg, log, storage: h }));
      }
      rates.push(await drain(hubs, n));
    }
    console.log(
      table([
        { storage: 'SQLite, 1 instance', 'writes/s': fmt(sqlite), ratio: '1.00' },
        { storage: 'PostgreSQL, 1 instance', 'writes/s': fmt(rates[0]), ratio: fmt(rates[0] / sqlite, 2) },
        { storage: 'PostgreSQL, 2 instances', 'writes/s': fmt(rates[1]), ratio: fmt(rates[1] / sqlite, 2) },
      ]),
    );
    console.log(
      `\n${n} items to one shop without limits, concurrency 8; one owner per target, so a second instance is a ` +
        'stand-by for this shop, not extra throughput',
    );
    record('pg-fanout-ratio', fmt(rates[0] / sqlite, 2), rates[0] / sqlite >= 0.7);
  } finally {
    await pg.stop();
    await srv.stop();
  }
}
