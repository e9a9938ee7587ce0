import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/load-config';
import { rawConfig, targetRaw, tmpDir } from './test-config';

/**
 * A copy of the SQLite database an earlier release wrote (see test/fixtures/<release>/README.md), with the targets of
 * the deployment that wrote it: both fixtures were made by the same script, so one config opens either.
 */
export function copyReleaseFixture(release: '0.1.0' | '0.2.0', shopUrl = 'http://127.0.0.1:9') {
  const fixture = path.join(__dirname, '../fixtures', release);
  const dir = tmpDir();
  for (const f of ['stockbridge.db', 'stockbridge.db-log']) fs.copyFileSync(path.join(fixture, f), path.join(dir, f));
  const config = parseConfig(
    rawConfig({
      storage: { path: path.join(dir, 'stockbridge.db') },
      targets: [
        targetRaw('ro-shop', shopUrl, { timeoutMs: 1000 }),
        targetRaw('bg-shop', shopUrl, {
          timeoutMs: 1000,
          offerKey: 'externalId',
          warehouses: { main: 'Main' },
          multiWarehouse: false,
        }),
      ],
      worker: { leaseMs: 3000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, drainMs: 2000 },
    }),
    {},
  );
  return { dir, config };
}
