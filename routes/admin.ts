import express, { Router, type Request, type RequestHandler } from 'express';
import { param } from 'express-validator';
import type { AdminService } from '../src/admin/admin-service';
import type { CallbackCapture } from '../src/intake/callback-capture';
import type { UnmappedWarehouses } from '../src/intake/unmapped-warehouses';
import type { ShipmentService } from '../src/shipments/shipment-service';
import type { Account, AccountRegistry } from '../src/accounts/account-registry';
import type { AccountServices, AccountView } from '../src/accounts/account-services';
import { AppError } from '../src/domain/app-error';
import { requireAdmin } from './middleware/dashboard-session';
import { rejectInvalid } from './middleware/reject-invalid';
import type { SessionStore } from '../src/dashboard/session-store';
import { targetActionsRouter, targetReadsRouter } from './admin/targets-admin-router';
import { shipmentsAdminRouter } from './admin/shipments-admin-router';
import { sourcesAdminRouter } from './admin/sources-admin-router';
import { callbacksAdminRouter, itemsAdminRouter, unmappedWarehousesRouter } from './admin/items-admin-router';
import { json } from './admin/admin-json';
import { connectedAccountsRouter } from './admin/accounts-admin-router';
import type { AccountAdmin } from '../src/accounts/connect-account';

/** Every 0.2 admin route, over one account's services (its targets, sources, shipments and callbacks only). */
function accountRoutes(
  admin: AdminService,
  shipments: ShipmentService,
  capture: CallbackCapture | undefined,
  unmapped: UnmappedWarehouses | undefined,
) {
  return Router().use(
    callbacksAdminRouter(capture),
    unmappedWarehousesRouter(unmapped),
    targetReadsRouter(admin),
    targetActionsRouter(admin),
    sourcesAdminRouter(admin),
    itemsAdminRouter(admin),
    shipmentsAdminRouter(admin, shipments),
  );
}

/** The captured callbacks of one account only. */
const captureOf = (capture: CallbackCapture | undefined, account: string): CallbackCapture | undefined =>
  capture && { add: (e) => capture.add(e), recent: () => capture.recent().filter((c) => c.account === account) };

/**
 * Handlers are one service call each; the routers per surface wire validation, this one auth and the body parser.
 * `/accounts` lists the accounts, `/accounts/{name}/…` is every 0.2 route for that account, and the 0.2 paths
 * themselves act on the hub's only account (with several, they answer 404 saying where the routes are).
 */
export function adminRouter(deps: {
  accounts: Pick<AccountRegistry, 'get' | 'list' | 'sole'>;
  servicesOf: (account: Account) => AccountServices;
  describe: (account: Account) => Promise<AccountView>;
  /** Connecting accounts and changing connected ones; absent: the routes answer 404. */
  accountAdmin?: () => AccountAdmin;
  /** Recent inventoriesUpload callbacks of this instance (in memory), each tagged with its account. */
  capture?: CallbackCapture;
  token: string;
  sessions: SessionStore;
}): Router {
  const router = Router();
  router.use(requireAdmin(deps.token, deps.sessions));
  router.use(connectedAccountsRouter(deps.accountAdmin));
  router.use(express.json({ limit: '16kb' }));
  // One router per account, built on first use (a hub of a thousand accounts builds only what is asked for).
  const routers = new Map<string, { services: AccountServices; router: Router }>();
  const routerOf = (account: Account): Router => {
    const services = deps.servicesOf(account);
    const known = routers.get(account.name);
    if (known?.services === services) return known.router;
    const built = accountRoutes(
      services.admin,
      services.shipments,
      captureOf(deps.capture, account.name),
      services.unmappedWarehouses,
    );
    routers.set(account.name, { services, router: built });
    return built;
  };
  const accountOf = (req: Request): Account => {
    const a = deps.accounts.get(String(req.params.account));
    if (!a)
      throw new AppError(404, `no account named "${String(req.params.account)}"; GET /admin/accounts lists them`, {
        code: 'not-found',
      });
    return a;
  };
  const accountParam = [
    param('account')
      .matches(/^[a-z0-9-]{1,40}$/)
      .withMessage('must be an account name'),
    rejectInvalid('request'),
  ];
  router.get(
    '/accounts',
    json(async () => ({ accounts: await Promise.all(deps.accounts.list().map((a) => deps.describe(a))) })),
  );
  router.get(
    '/accounts/:account',
    ...accountParam,
    json((req) => deps.describe(accountOf(req))),
  );
  const scoped: RequestHandler = (req, res, next) => {
    try {
      routerOf(accountOf(req))(req, res, next);
    } catch (err) {
      next(err);
    }
  };
  router.use('/accounts/:account', ...accountParam, scoped);
  const sole: RequestHandler = (req, res, next) => {
    const only = deps.accounts.sole();
    if (only) return routerOf(only)(req, res, next);
    next(
      new AppError(
        404,
        `no route for ${req.method} /admin${req.path}: this hub serves ${deps.accounts.list().length} accounts, ` +
          'so account routes are under /admin/accounts/{name}/… (GET /admin/accounts lists them)',
        { code: 'not-found' },
      ),
    );
  };
  router.use(sole);
  return router;
}
