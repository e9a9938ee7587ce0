import type { Logger } from 'pino';
import type { SourceConfig } from '../config/config-types';
import type { PullSource } from '../integrations/source-answer';
import { runSync, type SyncDeps } from './run-sync';

/** Runs each source with `everySeconds` inside the service; the sync lock keeps runs of one source apart. */
export function createScheduler(deps: {
  syncDeps: SyncDeps;
  sources: ReadonlyArray<{ config: SourceConfig; source: PullSource }>;
  log: Logger;
}) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  function schedule(entry: { config: SourceConfig; source: PullSource }) {
    const t = setTimeout(() => {
      if (stopped) return;
      const run = runSync(deps.syncDeps, entry.config, entry.source)
        .catch((e: Error) => {
          if (!alreadyLogged(e))
            deps.log.warn({ source: entry.config.name, reason: e.message }, 'scheduled sync did not complete');
        })
        .finally(() => {
          running.delete(run);
          if (!stopped) schedule(entry);
        });
      running.add(run);
    }, entry.config.everySeconds * 1000);
    timers.push(t);
  }
  return {
    /** An operator's "sync now": one run outside the schedule; the sync lock keeps it apart from a scheduled one. */
    runNow(name: string) {
      const entry = deps.sources.find((e) => e.config.name === name);
      if (!entry || stopped) return;
      const run = runSync(deps.syncDeps, entry.config, entry.source)
        .catch((e: Error) => {
          if (!alreadyLogged(e)) deps.log.warn({ source: name, reason: e.message }, 'sync did not complete');
        })
        .finally(() => running.delete(run));
      running.add(run);
    },
    start() {
      for (const e of deps.sources) if (e.config.everySeconds > 0) schedule(e);
    },
    async stop() {
      stopped = true;
      timers.forEach(clearTimeout);
      await Promise.all(running);
    },
  };
}

/** runSync logs a failed run itself (one line per failure, with its figures); only what failed before it is new. */
const alreadyLogged = (e: Error) => (e as { logged?: unknown }).logged === true;
