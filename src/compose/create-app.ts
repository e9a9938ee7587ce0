import crypto from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
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
import { createSessionService } from '../sessions/session-service';
import { createSignInGuard } from '../sessions/sign-in-guard';
import { DEFAULTS } from './defaults';
import { callbacksRouter } from '../../routes/callbacks';
import { healthRouter } from '../../routes/health';
import { errorHandler } from '../../routes/middleware/error-handler';
import { shipmentsRouter } from '../../routes/shipments';
import { simpleConnectionRouter } from '../../routes/simple-connection';
import { settingsRouter } from '../../routes/settings';
import { connectRouter } from '../../routes/connect';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import type { ConnectAccount } from '../connect/connect-account';
import { REQUIRED_SCOPES as MODULE_SCOPES } from '../accounts/crm-access';

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
  /** Each account's CRM client, by account name (the settings page reads the CRM's warehouses with it). */
  crmOf?: (account: string) => CrmClient | undefined;
  /** The one connect routine (URL rules, scopes, registration, storing); the merchant's doors run it. */
  connectAccount?: ConnectAccount;
}

/** The HTTP app, built from its dependencies; it opens no sockets and reads no environment. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Only behind a proxy that sets X-Forwarded-Proto: then req.secure (and the Secure cookie flag) is right.
  app.set('trust proxy', deps.config.server.trustProxy);
  app.locals.publicOrigin = new URL(deps.config.server.publicUrl).origin;
  app.use(securityHeaders());
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
  const { marketplaceSecret } = deps.config.connect;
  // Without the partner secret the marketplace cannot sign anything: the routes do not exist (404).
  if (marketplaceSecret && deps.connectAccount)
    app.use(
      '/simple-connection',
      simpleConnectionRouter({
        secret: marketplaceSecret,
        publicUrl: deps.config.server.publicUrl,
        scopes: MODULE_SCOPES,
        connectAccount: deps.connectAccount,
        log: deps.log.child({ part: 'connect' }),
      }),
    );
  const sessions = createSessionService({ store: deps.storage.sessions, ttlMs: DEFAULTS.sessions.ttlMs });
  // Failures count per address only when addresses are real (a trusted proxy's X-Forwarded-For).
  const guard = createSignInGuard({
    store: deps.storage.sessions,
    perAddress: deps.config.server.trustProxy,
    ...DEFAULTS.sessions.guard,
  });
  app.use(dashboardRouter({ token: deps.config.auth.adminToken, sessions, guard, log: deps.log }));
  app.use(
    settingsRouter({
      accounts: deps.accounts,
      servicesOf: deps.servicesOf,
      capture: deps.capture,
      notices: deps.storage.notices,
      accountAdmin: deps.accountAdmin,
      crmOf: deps.crmOf,
      sessions,
      guard,
      log: deps.log.child({ part: 'settings' }),
    }),
  );
  if (deps.connectAccount)
    app.use(
      connectRouter({
        connectAccount: deps.connectAccount,
        scopes: MODULE_SCOPES,
        sessions,
        guard,
        log: deps.log.child({ part: 'connect' }),
      }),
    );
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
      notices: deps.storage.notices,
    }),
  );
  app.use((req, _res, next) =>
    next(new AppError(404, `no route for ${req.method} ${req.path}`, { code: 'not-found' })),
  );
  app.use(errorHandler(deps.log));
  return app;
}

/**
 * helmet's headers, but `upgrade-insecure-requests` only when the page was served over HTTPS: over plain HTTP on
 * any name but localhost (http://10.0.0.5:3000, http://hub.lan:3000) it made the browser fetch the script and post
 * the sign-in form over HTTPS, which nothing answers there.
 * `req.secure` is the scheme the hub sees (with `server.trustProxy`, the proxy's X-Forwarded-Proto); behind an
 * HTTPS proxy without trustProxy the upgrade is not needed: the page and all it loads are same-origin already.
 */
function securityHeaders(): RequestHandler {
  const overHttps = helmet();
  // The browser ignores Cross-Origin-Opener-Policy from an untrustworthy (plain HTTP, not localhost) origin and says
  // so in the console at every page load: not sent there.
  const overHttp = helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    crossOriginOpenerPolicy: false,
  });
  return (req, res, next) => (req.secure ? overHttps : overHttp)(req, res, next);
}
