import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { backoffDelay } from '../http/backoff';
import type { TargetConfig } from '../config/config-types';
import type { Projector } from './create-projector';

import { projectFile } from '../project-file';

/**
 * The thread's entry is compiled JavaScript: beside this file when running compiled code, or in dist/ when this
 * file runs under ts-jest (npm test compiles first).
 */
export const PROJECTOR_ENTRY = __filename.endsWith('.ts')
  ? projectFile('dist/src/projection/projector-thread-entry.js')
  : path.join(__dirname, 'projector-thread-entry.js');

/**
 * The projector on a worker thread. If the thread dies, it is started again (with backoff): nothing is lost, since
 * the callback log and the cursor are durable, but until then desired state would stop following intake.
 */
export function createThreadedProjector(opts: {
  path: string;
  synchronous: 'full' | 'normal';
  targets: readonly TargetConfig[];
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

  function spawn() {
    alive = true;
    worker = new Worker(opts.entry ?? PROJECTOR_ENTRY, {
      workerData: {
        path: opts.path,
        synchronous: opts.synchronous,
        targets: opts.targets,
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
      const wait = backoffDelay(++restarts, { baseMs: 200, maxMs: 30_000 });
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
