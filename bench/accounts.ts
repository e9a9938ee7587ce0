import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { startBenchShop } from './bench-fixtures';
import { fmt, load, spawnServer } from './bench-util';
import { benchClientId } from './accounts-server';
import { startFakeCrm } from '../src/demo/fakes/fake-crm';
import { startFakeSyncInventory } from '../src/demo/fakes/fake-syncinventory';

/**
 * bench:accounts — one SQLite hub with many runtime-connected accounts (issue 16 "Scale"):
 *   a) idle RSS/CPU with N accounts × 2 shops; b) callback intake with N accounts vs 1; c) merchant B's
 *   callback → shop p99 with merchant A idle, then while A drains a large backlog to a 4 requests/s shop and syncs.
 * Sizes: BENCH_ACCOUNTS (1000), BENCH_SECONDS (8), BENCH_BACKLOG (200000), BENCH_SYNC_OFFERS (100000),
 * BENCH_B_ITEMS (40), BENCH_IDLE_MS (20000).
 */
const N = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 200_000);
const SYNC_OFFERS = Number(process.env.BENCH_SYNC_OFFERS ?? 100_000);
const B_ITEMS = Number(process.env.BENCH_B_ITEMS ?? 40);
const ADMIN = 'admin-token-bench';

const uptime = () => execSync('uptime').toString().trim();
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const form = (clientId: string, offers: unknown[]) =>
  new URLSearchParams({ clientId, offers: JSON.stringify(offers) }).toString();

async function idle(shopUrl: string) {
  const child = spawn(process.execPath, [path.join(__dirname, 'accounts-server.js'), 'idle', String(N), shopUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.on('exit', r));
  const line = /RESULT (.*)/.exec(out)?.[1];
  if (!line) throw new Error(`idle child printed no result: ${out}`);
  return JSON.parse(line) as { accounts: number; targets: number; startMs: number; rssMb: number; cpuPercent: number };
}

// 250 offers per callback, 16 variants whose figures all differ (every projection really writes).
const intakeBodies = Array.from({ length: 16 }, (_, v) =>
  form(
    benchClientId(0),
    Array.from({ length: 250 }, (_, i) => ({
      xmlId: `SKU-${i}`,
      stores: [{ code: 'main', available: (i + v * 3) % 1000 }],
    })),
  ),
);

async function intake(accounts: number, shopUrl: string) {
  const srv = await spawnServer('accounts-server.js', ['serve', String(accounts), shopUrl, '1']);
  try {
    const url = `http://127.0.0.1:${srv.port}/callbacks/inventories-upload`;
    await load(url, intakeBodies, 'application/x-www-form-urlencoded', 4, 2); // warm-up
    return await load(url, intakeBodies, 'application/x-www-form-urlencoded', 16, seconds);
  } finally {
    await srv.stop();
  }
}

type Shop = Awaited<ReturnType<typeof startBenchShop>>;

/** B's callbacks one every 250 ms (one offer each, new SKUs per phase): answer → first write at B's shop. */
async function bLatency(port: number, shop: Shop, phase: string) {
  const answered = new Map<string, number>();
  const t0 = Date.now();
  for (let i = 0; i < B_ITEMS; i++) {
    const sku = `B-${phase}-${i}`;
    const res = await fetch(`http://127.0.0.1:${port}/callbacks/inventories-upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(benchClientId(1), [{ xmlId: sku, stores: [{ code: 'main', available: 7 + i }] }]),
    });
    if (res.status !== 200) throw new Error(`B's callback answered ${res.status}`);
    answered.set(sku, Date.now());
    await sleep(250);
  }
  const first = new Map<string, number>();
  const deadline = Date.now() + 300_000;
  while (first.size < B_ITEMS && Date.now() < deadline) {
    for (const w of shop.writes) if (answered.has(w.sku) && !first.has(w.sku)) first.set(w.sku, w.at);
    await sleep(20);
  }
  const lat = [...first].map(([sku, at]) => at - answered.get(sku)!);
  return { p50: pct(lat, 50), p99: pct(lat, 99), max: Math.max(...lat), written: first.size, ms: Date.now() - t0 };
}

async function fairness() {
  const shopB = await startBenchShop();
  for (const p of ['idle', 'burst', 'load']) for (let i = 0; i < B_ITEMS; i++) shopB.addItem(`B-${p}-${i}`);
  // A's two shops, each its own 4 requests/s limit.
  const shopsA = [await startBenchShop({ requestsPerSecond: 4 }), await startBenchShop({ requestsPerSecond: 4 })];
  for (const s of shopsA) for (let i = 0; i < BACKLOG; i++) s.addItem(`A-${i}`);
  const crm = await startFakeCrm({ apiKey: 'key-0' });
  const si = await startFakeSyncInventory({ apiKey: 'bench-si' });
  for (let i = 0; i < SYNC_OFFERS; i++) si.add(`E-${i}`, { '1': i % 100 });
  const srv = await spawnServer('accounts-server.js', [
    'serve',
    '2',
    shopB.url,
    '0',
    shopsA.map((s) => s.url).join(','),
    crm.url,
    si.url,
  ]);
  const base = `http://127.0.0.1:${srv.port}`;
  try {
    const calm = await bLatency(srv.port, shopB, 'idle');
    // A's backlog arrives as A's CRM sends it: callbacks of 1,000 offers each, through the callback route.
    const s0 = Date.now();
    for (let c = 0; c < BACKLOG; c += 1000) {
      const offers = Array.from({ length: Math.min(1000, BACKLOG - c) }, (_, i) => ({
        xmlId: `A-${c + i}`,
        stores: [{ code: 'main', available: (c + i) % 100 }],
      }));
      const res = await fetch(`${base}/callbacks/inventories-upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(benchClientId(0), offers),
      });
      if (res.status !== 200) throw new Error(`A's callback answered ${res.status}`);
    }
    const seedMs = Date.now() - s0;
    // How long A's callbacks take to project (the one projector every account shares), measured alongside.
    const projected = (async () => {
      for (;;) {
        const text = await (await fetch(`${base}/metrics`)).text();
        if (Number(/stockbridge_projector_lag_callbacks(?:\{[^}]*\})? (\d+)/.exec(text)?.[1] ?? 0) === 0)
          return Date.now() - s0;
        await sleep(100);
      }
    })();
    // B while A's burst of callbacks is projected (B's callbacks are logged after A's).
    const burst = await bLatency(srv.port, shopB, 'burst');
    const projectMs = await projected;
    // Then B while A's projected backlog drains and A's sync runs.
    const sync = await fetch(`${base}/admin/accounts/m00000/sources/erp/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const busy = await bLatency(srv.port, shopB, 'load');
    return {
      calm,
      burst,
      busy,
      seedMs,
      projectMs,
      syncStatus: sync.status,
      aWrites: shopsA[0].writes.length + shopsA[1].writes.length,
      a429: shopsA[0].rejected429 + shopsA[1].rejected429,
      crmUploads: crm.uploads.length,
    };
  } finally {
    await srv.stop();
    for (const s of shopsA) await s.close();
    await shopB.close();
    await crm.close();
    await si.close();
  }
}

async function main() {
  console.log(`bench:accounts — ${N} accounts × 2 shops on one SQLite hub; ${os.cpus().length} cores`);
  console.log(`load before: ${uptime()}`);
  const shop = await startBenchShop();
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'idle') {
    const r = await idle(shop.url);
    console.log(`a) ${r.accounts} accounts, ${r.targets} shops, started in ${fmt(r.startMs / 1000, 1)} s`);
    console.log(
      `   idle RSS ${fmt(r.rssMb)} MB vs aim ≤ 300 MB; idle CPU ${fmt(r.cpuPercent, 2)} % vs aim ≤ 2 % of a core`,
    );
  }
  if (!only || only === 'intake') {
    const one = await intake(1, shop.url);
    const many = await intake(N, shop.url);
    console.log(
      `b) intake, 250-offer callbacks, 16 connections, ${seconds} s: 1 account ${fmt(one.rps)} req/s (p99 ${one.p99} ms, ` +
        `errors/non2xx ${one.errors}/${one.non2xx}); ${N} accounts ${fmt(many.rps)} req/s (p99 ${many.p99} ms, ` +
        `errors/non2xx ${many.errors}/${many.non2xx}); ratio ${fmt(many.rps / one.rps, 2)} vs aim ≥ 0.95`,
    );
  }
  await shop.close();
  if (!only || only === 'fair') {
    const f = await fairness();
    console.log(
      `c) B's callback → shop, ${B_ITEMS} callbacks 250 ms apart: A idle p50 ${f.calm.p50} ms p99 ${f.calm.p99} ms ` +
        `max ${f.calm.max} ms (${f.calm.written}/${B_ITEMS} written)`,
    );
    console.log(
      `   while A's ${BACKLOG} items arrive as ${BACKLOG / 1000} 1,000-offer callbacks (posted in ` +
        `${fmt(f.seedMs / 1000, 1)} s, projected ${fmt(f.projectMs / 1000, 1)} s after the first): p50 ${f.burst.p50} ms ` +
        `p99 ${f.burst.p99} ms max ${f.burst.max} ms (${f.burst.written}/${B_ITEMS} written)`,
    );
    console.log(
      `   then while A drains them to two 4 requests/s shops and syncs ${SYNC_OFFERS} offers (sync route ` +
        `${f.syncStatus}): p50 ${f.busy.p50} ms p99 ${f.busy.p99} ms max ${f.busy.max} ms (${f.busy.written}/${B_ITEMS} written)`,
    );
    console.log(
      `   draining: p99 ${f.busy.p99} ms vs aim ≤ 1000 ms; ratio to A idle ${fmt(f.busy.p99 / f.calm.p99, 2)} vs aim ≤ 1.5`,
    );
    console.log(
      `   burst: p99 ${f.burst.p99} ms vs aim ≤ 1000 ms; ratio to A idle ${fmt(f.burst.p99 / f.calm.p99, 2)} vs aim ≤ 1.5; ` +
        `meanwhile A's shops took ${f.aWrites} writes (${f.a429} 429s), A's CRM ${f.crmUploads} sync uploads`,
    );
  }
  console.log(`load after: ${uptime()}`);
}

void main();
