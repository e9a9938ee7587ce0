import { createHub } from '../src/compose/create-hub';
import { createLogger } from '../src/log/create-logger';
import { openStorage } from '../src/storage/open-storage';
import { intakeBenchConfig } from './bench-fixtures';

/** One hub instance on PostgreSQL (URL in BENCH_PG_URL), 2 targets, delivery held: only intake is measured. */
async function main() {
  const url = process.env.BENCH_PG_URL;
  if (!url) throw new Error('BENCH_PG_URL is not set');
  const config = intakeBenchConfig({ driver: 'postgres', url, poolSize: 10 });
  const log = createLogger({ level: 'silent' });
  const storage = await openStorage(config, log, { role: 'service' });
  const hub = createHub({ config, log, storage });
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
