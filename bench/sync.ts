import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFakeCrm } from '../src/demo/fakes/fake-crm';
import { startFakeSyncInventory } from '../src/demo/fakes/fake-syncinventory';
import { fmt } from './bench-util';

/** bench:sync — a 100,000-offer SyncInventory snapshot synced into the fake CRM, against the 10 requests/s floor. */
async function main() {
  const n = Number(process.env.BENCH_OFFERS ?? 100_000);
  const crm = await startFakeCrm({ apiKey: 'bench-crm' });
  const si = await startFakeSyncInventory({ apiKey: 'bench-si' });
  for (let i = 0; i < n; i++) si.add(`E-${i}`, { '1': i % 100, '2': String(-(i % 3)) });
  const child = spawn(process.execPath, [path.join(__dirname, 'sync-child.js'), crm.url, si.url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await new Promise((r) => child.on('exit', r));
  const r = JSON.parse(out) as { ms: number; pullMs: number; uploaded: number; batches: number; peakRssMb: number };
  const floorMs = (r.batches / 10) * 1000;
  console.log(`bench:sync — ${n} offers × 2 warehouses from SyncInventory into the fake CRM`);
  console.log(`pull + map + diff until the first batch: ${fmt(r.pullMs / 1000, 1)} s`);
  console.log(
    `total: ${fmt(r.ms / 1000, 1)} s for ${r.batches} batches (${r.uploaded} offers); floor set by 10 requests/s: ${fmt(floorMs / 1000, 1)} s; ratio ${fmt(r.ms / floorMs, 2)} (aim ≤ 1.1)`,
  );
  console.log(
    `fake CRM: at most ${crm.maxPerSecond()} requests in any second; largest batch ${Math.max(...crm.uploads.map((u) => u.offers.length))} offers`,
  );
  console.log(`peak RSS of the syncing process: ${r.peakRssMb} MB (aim ≤ 300 MB)`);
  await crm.close();
  await si.close();
}

void main();
