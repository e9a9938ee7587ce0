import crypto from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AppError } from '../domain/app-error';
import type { Config } from '../config/config-types';
import type { Account, AccountRegistry } from '../accounts/account-registry';
import type { AccountServices, AccountView } from '../accounts/account-services';
import type { AccountAdmin } from '../accounts/connect-account';
import type { Intake } from '../intake/create-intake';
import type { Metrics } from '../metrics/create-metrics';
import type { Stores } from '../storage/stores';
import type { CallbackCapture } from '../intake/callback-capture';
import { adminRouter } from '../../routes/admin';
import { dashboardRouter } from '../../routes/dashboard';
import { createSessionStore } from '../dashboard/session-store';
import { callbacksRouter } from '../../routes/callbacks';
import { healthRouter } from '../../routes/health';
import { errorHandler } from '../../routes/middleware/error-handler';
import { shipmentsRouter } from '../../routes/shipments';

export interface AppDeps {
  config: Config;
  storage: Stores;
  intake: Intake;
  metrics: Metrics;
  log: Logger;
  accounts: AccountRegistry;
  /** Each account's services (callbacks, activity, shipments, admin), over its own targets, sources and rows. */
  servicesOf: (account: Account) => AccountServices;
  describe: (account: Account) => Promise<AccountView>;
  /** Connecting accounts and changing connected ones (POST /admin/accounts and the routes under it). */
  accountAdmin?: () => AccountAdmin;
  /** The capture of recent inventoriesUpload callbacks, each tagged with its account. */
  capture: CallbackCapture;
  isDraining?: () => boolean;
}

/** The HTTP app, built from its dependencies; it opens no sockets and reads no environment. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Only behind a proxy that sets X-Forwarded-Proto: then req.secure (and the Secure cookie flag) is right.
  app.set('trust proxy', deps.config.server.trustProxy);
  app.use(helmet());
  app.use((req, _res, next) => {
    req.log = deps.log.child({ req: crypto.randomUUID().slice(0, 8), path: req.path });
    next();
  });
  app.use(
    healthRouter({
      storage: deps.storage,
      metrics: deps.metrics,
      isDraining: deps.isDraining ?? (() => false),
      intake: deps.intake,
    }),
  );
  app.use('/callbacks', callbacksRouter(deps));
  app.use(
    '/shipments',
    shipmentsRouter({
      config: deps.config,
      accounts: deps.accounts,
      shipmentsOf: (a) => deps.servicesOf(a).shipments,
    }),
  );
  const sessions = createSessionStore();
  app.use(dashboardRouter({ token: deps.config.auth.adminToken, sessions, log: deps.log }));
  app.use(
    '/admin',
    adminRouter({
      sessions,
      accounts: deps.accounts,
      servicesOf: deps.servicesOf,
      describe: deps.describe,
      accountAdmin: deps.accountAdmin,
      capture: deps.capture,
      token: deps.config.auth.adminToken,
    }),
  );
  app.use((req, _res, next) =>
    next(new AppError(404, `no route for ${req.method} ${req.path}`, { code: 'not-found' })),
  );
  app.use(errorHandler(deps.log));
  return app;
}
