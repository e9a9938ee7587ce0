import { parentPort, workerData } from 'node:worker_threads';
import type { TargetConfig } from '../config/config-types';
import { createLogger } from '../log/create-logger';
import { createSqliteStorage } from '../storage/sqlite-storage';
import { createProjector } from './create-projector';

/** The projector on its own thread and SQLite connection, so projection uses the second core, not intake's. */
const data = workerData as {
  path: string;
  synchronous: 'full' | 'normal';
  targets: TargetConfig[];
  logLevel: string;
  gate: SharedArrayBuffer;
};
const storage = createSqliteStorage({
  path: data.path,
  synchronous: data.synchronous,
  lockRole: { role: 'yield', gate: new Int32Array(data.gate) },
});
const projector = createProjector({
  storage,
  targets: data.targets,
  log: createLogger({ level: data.logLevel }).child({ part: 'projector' }),
  // Small transactions: the intake thread's inserts wait for the write lock no longer than one batch.
  batchSize: 2,
  onDue: (targets) => parentPort!.postMessage({ type: 'due', targets }),
});

parentPort!.on('message', (msg: { type: string; id?: number }) => {
  if (msg.type === 'kick') projector.kick();
  else if (msg.type === 'idle') void projector.idle().then(() => parentPort!.postMessage({ type: 'idle', id: msg.id }));
  else if (msg.type === 'stop')
    void projector
      .stop()
      .then(() => storage.close())
      .then(() => parentPort!.postMessage({ type: 'stopped' }));
});
