import express, { Router } from 'express';
import { header, param } from 'express-validator';
import type { Config } from '../src/config/config-types';
import type { Account, AccountRegistry } from '../src/accounts/account-registry';
import type { ShipmentService } from '../src/shipments/shipment-service';
import { normalizeShipments, todayIn } from '../src/shipments/normalize-shipments';
import { getShipmentHandler, submitShipmentsHandler } from './handlers/shipments-handler';
import { rejectForbiddenKeys } from './middleware/reject-forbidden-keys';
import { requireAccountBearer } from './middleware/require-account-bearer';
import { requireContentType } from './middleware/require-content-type';
import { rejectInvalid, validated } from './middleware/reject-invalid';

const shipmentsChains = () => [
  header('idempotency-key')
    .optional()
    .isString()
    .isLength({ min: 1, max: 255 })
    .withMessage('must be 1-255 characters'),
];

/**
 * POST /shipments (one object or a list of up to 100) and GET /shipments/{id}, under an account's shipments
 * token: the token picks the account (whose CRM gets the order edit, whose ids and Idempotency-Keys these are).
 */
export function shipmentsRouter(deps: {
  config: Config;
  accounts: Pick<AccountRegistry, 'byShipmentsToken'>;
  shipmentsOf: (account: Account) => ShipmentService;
}): Router {
  const router = Router();
  const of = (res: express.Response) => deps.shipmentsOf(res.locals.account!);
  router.use(requireAccountBearer(deps.accounts.byShipmentsToken, 'shipmentsToken'));
  router.post(
    '/',
    requireContentType(['application/json']),
    express.json({ limit: '256kb', strict: true }),
    rejectForbiddenKeys,
    ...validated(
      'shipment',
      // Defaults filled from the config: the account's CRM site, and today in the warehouse's time zone.
      (b, req) =>
        normalizeShipments(b, {
          site: req.res!.locals.account!.config.crm.site,
          today: todayIn(deps.config.shipments.timeZone),
        }),
      submitShipmentsHandler(of),
      shipmentsChains(),
    ),
  );
  router.get(
    '/:id',
    param('id')
      .matches(/^shp_[0-9a-f]{16}$/)
      .withMessage('is not a shipment id'),
    rejectInvalid('request'),
    getShipmentHandler(of),
  );
  return router;
}
