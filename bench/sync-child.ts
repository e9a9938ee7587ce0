import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load-config';
import { crmClientFor } from '../src/integrations/retailcrm/crm-client-for';
import { createHttpClient } from '../src/integrations/http-client/http-client';
import { createLogger } from '../src/log/create-logger';
import { createPullSource } from '../src/integrations/registry';
import { runSync } from '../src/sync/run-sync';
import { createSqliteStores } from '../src/storage/sqlite/create-sqlite-stores';

/** Child process: one sync of a SyncInventory snapshot into the (fake) CRM; prints timings and peak RSS as JSON. */
async function main() {
  const [crmUrl, siUrl] = process.argv.slice(2) as [string, string];
  let peak = process.memoryUsage().rss;
  setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50).unref();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sync-'));
  const config = parseConfig(
    {
      server: { publicUrl: 'http://x' },
      crm: { url: crmUrl, apiKey: 'bench-crm', clientId: 'c', site: 'main-shop' },
      auth: { shipmentsToken: 't', adminToken: 'a' },
      sources: [
        {
          name: 'erp',
          type: 'syncinventory',
          url: siUrl,
          apiKey: 'bench-si',
          offerKey: 'externalId',
          warehouses: { '1': 'main', '2': 'north' },
        },
      ],
    },
    {},
  );
  const log = createLogger({ level: 'silent' });
  const http = createHttpClient();
  const storage = createSqliteStores({ path: path.join(dir, 's.db') });
  const crm = crmClientFor(config, http, log);
  const t0 = Date.now();
  let firstBatchAt = 0;
  const s = await runSync(
    {
      stores: storage,
      crm,
      log,
      site: 'main-shop',
      batchSize: 250,
      batchRetries: 3,
      reportDir: path.join(dir, 'r'),
      owner: 'bench',
    },
    config.sources[0],
    createPullSource(config.sources[0], http),
    {
      progress: (e) => {
        if (e.batches === 1 && !firstBatchAt) firstBatchAt = Date.now();
      },
    },
  );
  process.stdout.write(
    JSON.stringify({
      ms: Date.now() - t0,
      pullMs: firstBatchAt - t0,
      uploaded: s.uploaded,
      batches: s.batches,
      peakRssMb: Math.round(peak / 1048576),
    }) + '\n',
  );
  http.close();
  await storage.close();
  process.exit(0);
}

void main();
