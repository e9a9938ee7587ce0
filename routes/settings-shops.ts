import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Account } from '../src/accounts/account-registry';
import type { ShopSettings } from '../src/settings/shop-settings';

/** The account the settings session is bound to (set by the settings router before these routes run). */
const accountOf = (res: Response): Account => res.locals.merchantAccount as Account;

const handle =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

/**
 * The merchant's own shops under /settings/api: the editable view (never a credential), add, edit, remove, and
 * the CRM's warehouses for the shop form's warehouse map. Changes go through the account admin's one routine
 * (the config file's rules and messages), applied without a restart.
 */
export function shopSettingsRoutes(shops: ShopSettings): Router {
  const router = Router();
  router.get(
    '/shop-settings',
    handle(async (_req, res) => {
      const account = accountOf(res);
      res.json({ editable: account.origin !== 'file', types: shops.types(), shops: await shops.list(account) });
    }),
  );
  router.get(
    '/crm-warehouses',
    handle(async (_req, res) => {
      res.json(await shops.crmWarehouses(accountOf(res)));
    }),
  );
  router.post(
    '/targets',
    handle(async (req, res) => {
      res.status(201).json({ shop: await shops.add(accountOf(res), req.body) });
    }),
  );
  router.put(
    '/targets/:name',
    handle(async (req, res) => {
      res.json({ shop: await shops.edit(accountOf(res), String(req.params.name), req.body) });
    }),
  );
  router.delete(
    '/targets/:name',
    handle(async (req, res) => {
      await shops.remove(accountOf(res), String(req.params.name));
      res.status(204).end();
    }),
  );
  return router;
}
