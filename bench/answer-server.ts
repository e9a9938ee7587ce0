import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load-config';
import { createHub } from '../src/compose/create-hub';
import { createLogger } from '../src/log/create-logger';
import { BENCH_CLIENT_ID } from './bench-util';

/** The real hub with two SyncInventory sources (URLs in argv), answering stock questions; prints "PORT n". */
async function main() {
  const [urlA, urlB] = process.argv.slice(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-answer-'));
  const source = (name: string, url: string, godown: string, code: string) => ({
    name,
    type: 'syncinventory',
    url,
    apiKey: 'bench-si',
    offerKey: 'xmlId',
    warehouses: { [godown]: code },
  });
  const config = parseConfig(
    {
      server: { port: 0, publicUrl: 'http://127.0.0.1' },
      storage: { path: path.join(dir, 'bench.db') },
      crm: { url: 'http://127.0.0.1:9', apiKey: 'k', clientId: BENCH_CLIENT_ID, site: 's' },
      auth: { shipmentsToken: 't', adminToken: 'a' },
      callbacks: { answerDeadlineMs: Number(process.env.BENCH_DEADLINE_MS ?? 3000) },
      sources: [source('erp-a', urlA, '1', 'main'), source('erp-b', urlB, '2', 'north')],
    },
    {},
  );
  const hub = createHub({ config, log: createLogger({ level: process.env.BENCH_LOG ?? 'silent' }) });
  await hub.start();
  const s = hub.app.listen(0, '127.0.0.1', () =>
    process.stdout.write(`PORT ${(s.address() as { port: number }).port}\n`),
  );
  const stop = () => {
    s.close();
    void hub.stop().finally(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
