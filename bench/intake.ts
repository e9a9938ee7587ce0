import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createThreadedProjector } from '../src/projection/create-threaded-projector';
import { createLogger } from '../src/log/create-logger';
import { parseConfig } from '../src/config/load-config';
import { createSqliteStores } from '../src/storage/sqlite/create-sqlite-stores';
import { fmt, load, spawnServer, table } from './bench-util';
import { BENCH_CLIENT_ID } from './bench-util';
import { intakePostgres } from './intake-postgres';
import { record } from './summary';

const OFFERS = 250;
const offers = Array.from({ length: OFFERS }, (_, i) => ({
  id: 100000 + i,
  externalId: `ext-${i}`,
  xmlId: `SKU-${String(i).padStart(6, '0')}`,
  site: 'main-shop',
  stores: [
    { code: 'main', available: i % 97, purchasePrice: 12.5 },
    { code: 'north', available: (i * 7) % 31, purchasePrice: 12.5 },
  ],
}));
// 16 variants whose figures all differ, so each projection really writes (a repeat of identical bodies would
// only measure no-op upserts).
const bodies = Array.from({ length: 16 }, (_, v) =>
  new URLSearchParams({
    clientId: BENCH_CLIENT_ID,
    offers: JSON.stringify(
      offers.map((o) => ({ ...o, stores: o.stores.map((s) => ({ ...s, available: (s.available + v * 3) % 1000 })) })),
    ),
  }).toString(),
);
const body = bodies[0];
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

async function measure(mode: string, connections: number, extra: string[] = []) {
  const srv = await spawnServer('intake-server.js', [mode, ...extra]);
  try {
    const url = `http://127.0.0.1:${srv.port}/callbacks/inventories-upload`;
    await load(url, bodies, 'application/x-www-form-urlencoded', 4, 2); // warm-up
    const r = await load(url, bodies, 'application/x-www-form-urlencoded', connections, seconds);
    // How far projection trails the answers after the burst, and how long it takes to catch up.
    let lagAtEnd = 0;
    let catchUpMs = 0;
    if (mode === 'hub') {
      const t0 = Date.now();
      for (;;) {
        const text = await (await fetch(`http://127.0.0.1:${srv.port}/metrics`)).text();
        const lag = Number(/stockbridge_projector_lag_callbacks (\d+)/.exec(text)?.[1] ?? 0);
        if (!lagAtEnd) lagAtEnd = lag;
        if (lag === 0) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      catchUpMs = Date.now() - t0;
    }
    return { ...r, lagAtEnd, catchUpMs };
  } finally {
    await srv.stop();
  }
}

async function catchUp(targets: number): Promise<{ ms: number; callbacks: number; targets: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-catchup-'));
  const storage = createSqliteStores({ path: path.join(dir, 'c.db') });
  const target = (name: string) => ({
    name,
    type: 'merchantpro',
    url: 'http://x',
    apiKey: 'k',
    apiSecret: 's',
    offerKey: 'xmlId',
    warehouses: { main: 'A', north: 'B' },
  });
  const config = parseConfig(
    {
      server: { publicUrl: 'http://x' },
      crm: { url: 'http://x', apiKey: 'k', clientId: 'c', site: 's' },
      auth: { shipmentsToken: 't', adminToken: 'a' },
      targets: Array.from({ length: targets }, (_, i) => target(`t${i}`)),
    },
    {},
  );
  const N = 1000;
  for (let c = 0; c < N; c += 50) {
    await storage.callbackLog.append(
      Array.from({ length: 50 }, (_, j) => ({
        receivedAt: Date.now(),
        contentHash: 'h',
        offersJson: JSON.stringify(
          offers.map((o) => ({
            ...o,
            stores: o.stores.map((s) => ({ ...s, available: (s.available + c + j) % 1000 })),
          })),
        ),
      })),
    );
  }
  await storage.close();
  // Projected as the service does it (main.ts): on the projector thread, with its default batch size.
  const projector = createThreadedProjector({
    path: path.join(dir, 'c.db'),
    synchronous: 'full',
    targets: config.targets,
    log: createLogger({ level: 'silent' }),
    logLevel: 'silent',
    gate: new Int32Array(new SharedArrayBuffer(4)),
  });
  const t0 = Date.now();
  projector.kick();
  await projector.idle();
  const ms = Date.now() - t0;
  await projector.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return { ms, callbacks: N, targets };
}

async function main() {
  if (process.argv.includes('--postgres')) {
    console.log(
      `bench:intake --postgres — ${OFFERS} offers × 2 warehouses per callback, 2 targets (delivery held); ${seconds} s per run; ${os.cpus().length} cores`,
    );
    return intakePostgres(bodies, seconds, 32, OFFERS);
  }
  console.log(
    `bench:intake — ${OFFERS} offers × 2 warehouses per callback, form-encoded ${fmt(body.length / 1024, 1)} KB (16 variants, every figure changes), 2 targets; ${seconds} s per run; ${os.cpus().length} cores`,
  );
  // BENCH_ONLY=catchup: just the projector catch-up figures.
  if (process.env.BENCH_ONLY === 'catchup') return printCatchUp();
  const rows: Array<Record<string, string | number>> = [];
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const [name, mode, conns, extra] of [
    ['baseline (parse + 200)', 'baseline', 32, []],
    ['stockbridge (sync=FULL)', 'hub', 32, ['full']],
    ['stockbridge (sync=NORMAL)', 'hub', 32, ['normal']],
    ['baseline (parse + 200)', 'baseline', 8, []],
    ['stockbridge (sync=FULL)', 'hub', 8, ['full']],
  ] as Array<[string, string, number, string[]]>) {
    const r = await measure(mode, conns, extra);
    results[`${mode}-${conns}-${extra.join('')}`] = r;
    rows.push({
      route: name,
      connections: conns,
      'req/s': fmt(r.rps),
      'offers/s': fmt(r.rps * OFFERS),
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      'errors/non2xx': `${r.errors}/${r.non2xx}`,
      'unprojected at end': mode === 'hub' ? r.lagAtEnd : '-',
      'caught up in': mode === 'hub' ? `${fmt(r.catchUpMs / 1000, 1)} s` : '-',
    });
  }
  console.log(table(rows));
  const ratio32 = results['hub-32-full'].rps / results['baseline-32-'].rps;
  console.log(`\nratio stockbridge/baseline at 32 connections: ${fmt(ratio32, 2)} (aim ≥ 0.6)`);
  console.log(`p99 at 8 connections: ${results['hub-8-full'].p99} ms (aim ≤ 50 ms)`);
  record('intake-ratio', fmt(ratio32, 2), ratio32 >= 0.6);
  record('intake-p99-8', `${results['hub-8-full'].p99} ms`, results['hub-8-full'].p99 <= 50);
  const h8 = results['hub-8-full'];
  console.log(
    `projection lag after a ${seconds} s burst at 8 connections: ${h8.lagAtEnd} callbacks at the end, back to 0 ${fmt(h8.catchUpMs / 1000, 1)} s later (aim ≤ 3 s)`,
  );
  await printCatchUp();
}

async function printCatchUp() {
  for (const [targets, aimS] of [
    [2, 1.0],
    [8, 1.2],
  ]) {
    const c = await catchUp(targets);
    record(`catchup-${targets}`, `${fmt(c.ms / 1000, 2)} s`, c.ms / 1000 <= aimS);
    console.log(
      `projector catch-up, ${targets} targets: ${c.callbacks} stored callbacks (${c.callbacks * OFFERS * 2} figures) in ${fmt(c.ms / 1000, 2)} s = ${fmt(c.callbacks / (c.ms / 1000))} callbacks/s (aim ≤ ${aimS} s)`,
    );
  }
}

void main();
