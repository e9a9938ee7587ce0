import { parentPort, workerData } from 'node:worker_threads';
import type { TargetConfig } from '../config/config-types';
import { createLogger } from '../log/create-logger';
import { createSqliteStores } from '../storage/sqlite/create-sqlite-stores';
import { createProjector } from './create-projector';
import type { AccountTargets } from './project-batch';
import { DEFAULTS } from '../compose/defaults';

/** The projector on its own thread and SQLite connection, so projection uses the second core, not intake's. */
const data = workerData as {
  path: string;
  synchronous: 'full' | 'normal';
  targets: TargetConfig[];
  accounts?: AccountTargets;
  logLevel: string;
  batchSize?: number;
  gate: SharedArrayBuffer;
};
const stores = createSqliteStores({
  path: data.path,
  synchronous: data.synchronous,
  lockRole: { role: 'yield', gate: new Int32Array(data.gate) },
  migration: { offerKeys: Object.fromEntries(data.targets.map((t) => [t.name, t.offerKey])) },
});
const projector = createProjector({
  stores,
  targets: data.targets,
  accounts: data.accounts,
  log: createLogger({ level: data.logLevel }).child({ part: 'projector' }),
  // A batch coalesces: the figures and due marks it writes are the newest per offer, whatever the number of its
  // callbacks, so a backlog drains faster in larger batches (measured: 1,000 callbacks in 1.7 s at 50, 2.6 s at 8).
  // The request thread never waits for this lock (it yields, see SqliteOptions), so intake's latency holds.
  batchSize: data.batchSize ?? DEFAULTS.projection.batchSize,
  onDue: (targets) => parentPort!.postMessage({ type: 'due', targets }),
});

parentPort!.on('message', (msg: { type: string; id?: number; accounts?: AccountTargets }) => {
  if (msg.type === 'kick') projector.kick();
  else if (msg.type === 'accounts') projector.setAccounts(msg.accounts ?? []);
  else if (msg.type === 'idle') void projector.idle().then(() => parentPort!.postMessage({ type: 'idle', id: msg.id }));
  else if (msg.type === 'stop')
    void projector
      .stop()
      .then(() => stores.close())
      .then(() => parentPort!.postMessage({ type: 'stopped' }));
});
