import path from 'node:path';
import { parseConfig } from '../../src/config/load-config';
import { createThreadedProjector } from '../../src/projection/create-threaded-projector';
import { openSqliteStorage } from '../../src/storage/open-storage';
import { targetFiguresOf } from '../helpers/target-figures';
import { capturingLog, rawConfig, tmpDir } from '../helpers/test-config';

describe('the projector thread', () => {
  it('stops cleanly even while its thread is down', async () => {
    const file = path.join(tmpDir(), 'u.db');
    const config = parseConfig(rawConfig({ storage: { path: file } }), {});
    const projector = createThreadedProjector({
      path: file,
      synchronous: 'full',
      targets: config.targets,
      log: capturingLog().log,
      logLevel: 'silent',
      gate: new Int32Array(new SharedArrayBuffer(4)),
    });
    await projector.idle();
    await projector.restartThread();
    await projector.stop(); // must not wait for a thread that is not there
  });

  it('projects on its own thread, and when the thread dies a new one takes over with nothing lost', async () => {
    const file = path.join(tmpDir(), 't.db');
    const config = parseConfig(rawConfig({ storage: { path: file } }), {});
    const storage = openSqliteStorage(config).stores;
    const logs = capturingLog('info');
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const projector = createThreadedProjector({
      path: file,
      synchronous: 'full',
      targets: config.targets,
      log: logs.log,
      logLevel: 'silent',
      gate,
    });
    const offers = (q: number) => JSON.stringify([{ xmlId: 'A', stores: [{ code: 'main', available: q }] }]);
    try {
      await storage.callbackLog.append([{ receivedAt: 1, contentHash: 'h', offersJson: offers(3) }]);
      projector.kick();
      await projector.idle();
      expect(await targetFiguresOf({ storage, config }, 'ro-shop', 'A')).toEqual([
        { warehouse: 'main', quantity: 3, version: 1 },
      ]);

      await projector.restartThread();
      await storage.callbackLog.append([{ receivedAt: 2, contentHash: 'h', offersJson: offers(8) }]);
      await projector.idle(); // answered by the new thread
      expect(await targetFiguresOf({ storage, config }, 'ro-shop', 'A')).toEqual([
        { warehouse: 'main', quantity: 8, version: 2 },
      ]);
      expect(logs.text()).toContain('projector thread exited; starting it again');
    } finally {
      await projector.stop();
      await storage.close();
    }
  });
});
