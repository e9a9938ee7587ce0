import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { backoffDelay } from '../integrations/http-client/backoff';
import type { AccountTargets } from './project-batch';
import type { TargetConfig } from '../config/config-types';
import type { Projector } from './create-projector';
import { DEFAULTS } from '../compose/defaults';

/**
 * Running from TypeScript (ts-jest), the thread transpiles its own sources as it loads them (TypeScript is a dev
 * dependency there), so tests never run a stale build; compiled, it runs the JavaScript beside this file.
 */
const FROM_SOURCE = __filename.endsWith('.ts');
const PROJECTOR_ENTRY = path.join(__dirname, FROM_SOURCE ? 'projector-thread-entry.ts' : 'projector-thread-entry.js');
const TS_LOADER = `const fs = require('node:fs'); const ts = require('typescript');
const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
require.extensions['.ts'] = (m, file) =>
  m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'), { fileName: file, compilerOptions: options }).outputText, file);
require(require('node:worker_threads').workerData.entry);`;

/**
 * The projector on a worker thread. If the thread dies, it is started again (with backoff): nothing is lost, since
 * the callback log and the cursor are durable, but until then desired state would stop following intake.
 */
export function createThreadedProjector(opts: {
  path: string;
  synchronous: 'full' | 'normal';
  targets: readonly TargetConfig[];
  /** Each account's targets (a record's figures go to its account's only); absent: `targets` are `default`'s. */
  accounts?: AccountTargets;
  log: Logger;
  logLevel: string;
  /** Projector batch size (callbacks per transaction). */
  batchSize?: number;
  gate: Int32Array;
  onDue?: (targets: string[]) => void;
  entry?: string;
}): Projector & { restartThread(): Promise<void> } {
  const idleWaiters = new Map<number, () => void>();
  let nextId = 1;
  let stopping = false;
  let stopped: (() => void) | null = null;
  let restarts = 0;
  let worker: Worker;
  let alive = false;
  let accounts = opts.accounts;

  function spawn() {
    alive = true;
    const entry = opts.entry ?? PROJECTOR_ENTRY;
    const fromSource = entry.endsWith('.ts');
    worker = new Worker(fromSource ? TS_LOADER : entry, {
      eval: fromSource,
      workerData: {
        entry,
        path: opts.path,
        synchronous: opts.synchronous,
        targets: opts.targets,
        accounts,
        logLevel: opts.logLevel,
        batchSize: opts.batchSize,
        gate: opts.gate.buffer,
      },
    });
    worker.on('message', (msg: { type: string; id?: number; targets?: string[] }) => {
      if (msg.type === 'due') {
        restarts = 0;
        opts.onDue?.(msg.targets ?? []);
      } else if (msg.type === 'idle') {
        idleWaiters.get(msg.id!)?.();
        idleWaiters.delete(msg.id!);
      } else if (msg.type === 'stopped') stopped?.();
    });
    worker.on('error', (err) => opts.log.error({ err: err.message }, 'projector thread failed'));
    worker.on('exit', () => {
      alive = false;
      if (stopping) return;
      const wait = backoffDelay(++restarts, DEFAULTS.projection.restartBackoff);
      opts.log.error(
        { retryInMs: wait },
        'projector thread exited; starting it again (accepted callbacks are safe in the log)',
      );
      setTimeout(() => {
        if (stopping) return;
        spawn();
        worker.postMessage({ type: 'kick' });
        // Ask again on behalf of anyone waiting for idle: the old thread will never answer.
        for (const id of idleWaiters.keys()) worker.postMessage({ type: 'idle', id });
      }, wait).unref();
    });
  }
  spawn();

  return {
    setAccounts(next) {
      accounts = next;
      // Ordered with kicks: a batch after this message projects with these accounts.
      worker.postMessage({ type: 'accounts', accounts: next });
    },
    kick() {
      worker.postMessage({ type: 'kick' });
    },
    idle() {
      const id = nextId++;
      return new Promise<void>((resolve) => {
        idleWaiters.set(id, resolve);
        worker.postMessage({ type: 'idle', id });
      });
    },
    /** End the current thread; the supervisor starts a new one (what happens after a crash). */
    async restartThread() {
      await worker.terminate();
    },
    async stop() {
      stopping = true;
      if (!alive) return;
      await new Promise<void>((resolve) => {
        stopped = resolve;
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'stop' });
      });
      await worker.terminate();
    },
  };
}
