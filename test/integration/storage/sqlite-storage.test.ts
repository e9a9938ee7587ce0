import Database from 'better-sqlite3';
import path from 'node:path';
import { callbackLogPath, createSqliteStorage } from '../../../src/storage/sqlite-storage';
import { tmpDir } from '../../helpers/test-config';
import { storageConformance } from './storage-conformance';

storageConformance('sqlite', async () => {
  const file = path.join(tmpDir(), 'conformance.db');
  return { storage: createSqliteStorage({ path: file }), reopen: async () => createSqliteStorage({ path: file }) };
});

describe('sqlite: the request thread never blocks on a held write lock', () => {
  it('a priority connection waits with timers (the event loop keeps running) and writes once the lock is free', async () => {
    const file = path.join(tmpDir(), 'locks.db');
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const storage = createSqliteStorage({ path: file, lockRole: { role: 'priority', gate } });
    const other = new Database(callbackLogPath(file));
    const otherState = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      otherState.exec('BEGIN IMMEDIATE');
      let done = 0;
      const append = storage.appendCallbacks([{ receivedAt: 1, contentHash: 'h', offersJson: '[]' }]).then((s) => {
        done++;
        return s;
      });
      const pause = storage.setTargetPaused('t', 'why', 1).then(() => {
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
      expect((await storage.getTargetState('t')).paused).toBe(true);
    } finally {
      other.close();
      otherState.close();
      await storage.close();
    }
  });
});
