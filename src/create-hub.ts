import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app';
import type { Config } from './config/config-types';
import { createActivityService, type ActivityService } from './intake/activity-service';
import { createIntake, type Intake } from './intake/create-intake';
import { createProjector, type Projector } from './intake/create-projector';
import { createMetrics, type Metrics } from './metrics/create-metrics';
import { createSqliteStorage } from './storage/sqlite-storage';
import type { Storage } from './storage/storage';

export interface Hub {
  app: Express;
  config: Config;
  storage: Storage;
  intake: Intake;
  projector: Projector;
  activity: ActivityService;
  metrics: Metrics;
  /** Catch the projector up with what is already stored, then start background work. */
  start(): Promise<void>;
  /** Stop background work within the drain bound and close storage. */
  stop(): Promise<void>;
}

export function openStorage(config: Config): Storage {
  return createSqliteStorage({ path: config.storage.path, synchronous: config.storage.synchronous });
}

/** Wires the whole service from a validated config. Opens no sockets: main.ts, the CLI and tests decide that. */
export function createHub(deps: { config: Config; log: Logger; storage?: Storage }): Hub {
  const { config, log } = deps;
  const storage = deps.storage ?? openStorage(config);
  const metrics = createMetrics();
  const projector = createProjector({ storage, targets: config.targets, log: log.child({ part: 'projector' }) });
  const intake = createIntake({ storage, log: log.child({ part: 'intake' }), onCommitted: () => projector.kick() });
  const activity = createActivityService({ storage, log: log.child({ part: 'activity' }) });
  let draining = false;
  const app = createApp({ config, storage, intake, activity, metrics, log, isDraining: () => draining });

  return {
    app, config, storage, intake, projector, activity, metrics,
    async start() {
      projector.kick();
      await projector.idle();
    },
    async stop() {
      draining = true;
      await projector.stop();
      await storage.close();
    },
  };
}
