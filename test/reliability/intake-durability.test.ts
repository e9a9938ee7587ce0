import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/load-config';
import { openSqliteStorage } from '../../src/storage/open-storage';
import { targetFiguresOf } from '../helpers/target-figures';
import { formBody, manyOffers } from '../helpers/callback-bodies';
import { spawnHub, type SpawnedHub } from '../helpers/spawn-hub';
import { rawConfig, tmpDir, waitFor } from '../helpers/test-config';

describe('durability: a hub killed with SIGKILL right after answering keeps what it accepted', () => {
  const children: SpawnedHub[] = [];
  afterAll(() => {
    for (const c of children) c.proc.kill('SIGKILL');
  });

  it('every callback answered success is in the log after a restart, and the projector catches up', async () => {
    const dir = tmpDir();
    const dbPath = path.join(dir, 'hub.db');
    const configFile = path.join(dir, 'stockbridge.json');
    fs.writeFileSync(configFile, JSON.stringify(rawConfig({ storage: { path: dbPath }, log: { level: 'info' } })));

    const first = await spawnHub(configFile);
    children.push(first);
    // A burst of concurrent callbacks; the moment the LAST answer arrives, the process is killed.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${first.url}/callbacks/inventories-upload`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: formBody(manyOffers(5, ['main'], i * 5, () => i + 1)),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { success?: boolean } })),
      ),
    );
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    expect(answers.every((a) => a.status === 200 && a.body.success === true)).toBe(true);

    const second = await spawnHub(configFile);
    children.push(second);
    const config = parseConfig(rawConfig({ storage: { path: dbPath } }), {});
    const store = openSqliteStorage(config).stores;
    try {
      expect(await store.callbackLog.count()).toBe(20);
      await waitFor(async () => (await store.stock.cursor()) === (await store.callbackLog.latestSeq()), {
        what: 'projector catch-up after restart',
      });
      for (let i = 0; i < 20; i++) {
        expect(await targetFiguresOf({ storage: store, config }, 'ro-shop', `SKU-${i * 5}`)).toEqual([
          expect.objectContaining({ warehouse: 'main', quantity: i + 1 }),
        ]);
      }
    } finally {
      await store.close();
    }
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
