import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchShopTarget } from './bench-fixtures';
import { parseConfig } from '../src/config/load-config';
import { createHub } from '../src/compose/create-hub';
import { createLogger } from '../src/log/create-logger';

/** Child process: a hub with a backlog of N items for one target; prints peak RSS while projecting and delivering. */
async function main() {
  const [port, n, seconds] = [process.argv[2], Number(process.argv[3] ?? 200_000), Number(process.argv[4] ?? 15)];
  let peak = process.memoryUsage().rss;
  setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50).unref();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-rss-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const config = parseConfig(
    {
      server: { publicUrl: 'http://x' },
      storage: { path: path.join(dir, 'rss.db') },
      crm: { url: 'http://127.0.0.1:9', apiKey: 'k', clientId: 'c', site: 's' },
      auth: { shipmentsToken: 't', adminToken: 'a' },
      targets: [benchShopTarget(`http://127.0.0.1:${port}`)],
    },
    {},
  );
  const hub = createHub({ config, log: createLogger({ level: 'silent' }) });
  await hub.activity.set({ active: false, freeze: false });
  const t0 = Date.now();
  for (let c = 0; c < n; c += 1000) {
    const offers = Array.from({ length: Math.min(1000, n - c) }, (_, i) => ({
      xmlId: `SKU-${c + i}`,
      stores: [{ code: 'main', available: (c + i) % 100 }],
    }));
    await hub.intake.accept([], JSON.stringify(offers));
  }
  await hub.start(); // waits until the projector has caught up
  const projectMs = Date.now() - t0;
  const backlog = (await hub.admin.listTargets())[0].backlog;
  await hub.activity.set({ active: true, freeze: false });
  const t1 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const left = (await hub.admin.listTargets())[0].backlog;
  await hub.stop();
  process.stdout.write(
    JSON.stringify({
      backlog,
      projectMs,
      delivered: backlog - left,
      deliverMs: Date.now() - t1,
      peakRssMb: Math.round(peak / 1048576),
    }) + '\n',
  );
  process.exit(0);
}

void main();
