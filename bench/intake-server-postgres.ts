import { parseConfig } from '../src/config/load-config';
import { createHub } from '../src/create-hub';
import { createLogger } from '../src/log/create-logger';
import { openPostgresHub } from '../src/storage/postgres/open-postgres-hub';
import { BENCH_CLIENT_ID } from './bench-util';

/** One hub instance on PostgreSQL (URL in BENCH_PG_URL), 2 targets, delivery held: only intake is measured. */
async function main() {
  const url = process.env.BENCH_PG_URL;
  if (!url) throw new Error('BENCH_PG_URL is not set');
  const target = (name: string) => ({
    name,
    type: 'merchantpro',
    url: 'http://127.0.0.1:9',
    apiKey: 'k',
    apiSecret: 's',
    offerKey: 'xmlId',
    identifier: 'sku',
    warehouses: { main: 'A', north: 'B' },
    multiWarehouse: true,
  });
  const config = parseConfig(
    {
      server: { port: 0, publicUrl: 'http://127.0.0.1' },
      storage: { driver: 'postgres', url, poolSize: 10 },
      crm: { url: 'http://127.0.0.1:9', apiKey: 'k', clientId: BENCH_CLIENT_ID, site: 's' },
      auth: { shipmentsToken: 't', adminToken: 'a' },
      targets: [target('shop-a'), target('shop-b')],
    },
    {},
  );
  const log = createLogger({ level: 'silent' });
  const pg = await openPostgresHub(config, log);
  const hub = createHub({ config, log, storage: pg.stores, attachWakers: pg.attachWakers });
  await hub.activity.set({ active: false, freeze: false });
  await hub.start();
  const s = hub.app.listen(0, '127.0.0.1', () =>
    process.stdout.write(`PORT ${(s.address() as { port: number }).port}\n`),
  );
  const stop = () => void hub.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
