import express, { Router, type Request, type RequestHandler } from 'express';
import { param } from 'express-validator';
import type { AccountAdmin } from '../../src/accounts/connect-account';
import { AppError } from '../../src/domain/app-error';
import { rejectInvalid } from '../middleware/reject-invalid';

const name = [
  param('account')
    .matches(/^[a-z0-9-]{1,40}$/)
    .withMessage('must be an account name'),
  rejectInvalid('request'),
];
const accountOf = (req: Request) => String(req.params.account);

/**
 * Connecting an account and changing a connected one, each one call of the routine `npm run accounts` uses too:
 * `POST /admin/accounts` (201 new, 200 the same CRM again), `PUT …/{name}/targets` and `…/sources` (the config
 * file's JSON and messages), `POST …/{name}/deactivate`, `POST …/{name}/shipments-token` (shown once).
 */
export function connectedAccountsRouter(admin: (() => AccountAdmin) | undefined): Router {
  const router = Router();
  const a = (): AccountAdmin => {
    if (!admin) throw new AppError(404, 'connecting accounts is not available here', { code: 'not-found' });
    return admin();
  };
  const run =
    (fn: (req: Request) => Promise<{ status?: number; body: unknown }>): RequestHandler =>
    async (req, res) => {
      const out = await fn(req);
      res.status(out.status ?? 200).json(out.body);
    };
  const small = express.json({ limit: '16kb' });
  // A list of shops with their warehouse maps can be long; the same bound as a config file's section.
  const lists = express.json({ limit: '256kb' });
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  router.post(
    '/accounts',
    small,
    run(async (req) => {
      const { status, view } = await a().connect(body(req));
      return { status, body: view };
    }),
  );
  router.put(
    '/accounts/:account/targets',
    ...name,
    lists,
    run(async (req) => ({ body: await a().setLists(accountOf(req), { targets: req.body as unknown }) })),
  );
  router.put(
    '/accounts/:account/sources',
    ...name,
    lists,
    run(async (req) => ({ body: await a().setLists(accountOf(req), { sources: req.body as unknown }) })),
  );
  router.post(
    '/accounts/:account/deactivate',
    ...name,
    run(async (req) => ({ body: await a().deactivate(accountOf(req)) })),
  );
  router.post(
    '/accounts/:account/shipments-token',
    ...name,
    run(async (req) => ({ body: await a().issueShipmentsToken(accountOf(req)) })),
  );
  return router;
}
