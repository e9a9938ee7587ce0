import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { callbackLogPath, createSqliteStores } from '../../src/storage/sqlite/create-sqlite-stores';
import { tmpDir } from '../helpers/test-config';
import { storesConformance } from './conformance';

storesConformance('sqlite', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'conformance.db');
  const stores = createSqliteStores({ path: file });
  let current = stores;
  return Promise.resolve({
    stores,
    reopen: () => Promise.resolve((current = createSqliteStores({ path: file }))),
    dispose: async () => {
      await current.close();
      await stores.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('sqlite: the request thread never blocks on a held write lock', () => {
  it('a priority connection waits with timers (the event loop keeps running) and writes once the lock is free', async () => {
    const file = path.join(tmpDir(), 'locks.db');
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const stores = createSqliteStores({ path: file, lockRole: { role: 'priority', gate } });
    const other = new Database(callbackLogPath(file));
    const otherState = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      otherState.exec('BEGIN IMMEDIATE');
      let done = 0;
      const append = stores.callbackLog.append([{ receivedAt: 1, contentHash: 'h', offersJson: '[]' }]).then((s) => {
        done++;
        return s;
      });
      const pause = stores.hubState.setTargetPaused('t', 'why', 1).then(() => {
        done++;
      });
      let ticks = 0;
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (++ticks === 5) {
            clearInterval(t);
            resolve();
          }
        }, 5);
      });
      expect(done).toBe(0);
      expect(gate[0]).toBe(1); // the state write has asked the projector to yield; the log write has not
      other.exec('COMMIT');
      otherState.exec('COMMIT');
      expect(await append).toEqual([1]);
      await pause;
      expect(gate[0]).toBe(0);
      expect((await stores.hubState.getTarget('t')).paused).toBe(true);
    } finally {
      other.close();
      otherState.close();
      await stores.close();
    }
  });
});
