import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { TargetConfig } from '../config/config-types';
import type { Projector } from './create-projector';

const ENTRY = path.join(__dirname, 'projector-thread-entry.js');

/** Available when running compiled code (the thread needs a .js entry); tests under ts-jest use the in-process one. */
export function threadedProjectorAvailable(): boolean {
  return fs.existsSync(ENTRY);
}

export function createThreadedProjector(opts: {
  path: string; synchronous: 'full' | 'normal'; targets: readonly TargetConfig[]; log: Logger; logLevel: string; gate: Int32Array; onDue?: (targets: string[]) => void;
}): Projector {
  const worker = new Worker(ENTRY, { workerData: { path: opts.path, synchronous: opts.synchronous, targets: opts.targets, logLevel: opts.logLevel, gate: opts.gate.buffer } });
  const idleWaiters = new Map<number, () => void>();
  let nextId = 1;
  let stopped: (() => void) | null = null;
  worker.on('message', (msg: { type: string; id?: number; targets?: string[] }) => {
    if (msg.type === 'due') opts.onDue?.(msg.targets ?? []);
    else if (msg.type === 'idle') { idleWaiters.get(msg.id!)?.(); idleWaiters.delete(msg.id!); }
    else if (msg.type === 'stopped') stopped?.();
  });
  worker.on('error', (err) => opts.log.error({ err: err.message }, 'projector thread failed; restart the service'));
  return {
    kick() { worker.postMessage({ type: 'kick' }); },
    idle() {
      const id = nextId++;
      return new Promise<void>((resolve) => { idleWaiters.set(id, resolve); worker.postMessage({ type: 'idle', id }); });
    },
    async stop() {
      await new Promise<void>((resolve) => { stopped = resolve; worker.postMessage({ type: 'stop' }); });
      await worker.terminate();
    },
  };
}
