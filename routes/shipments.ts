import express, { Router } from 'express';
import { header, param } from 'express-validator';
import type { Config } from '../src/config/config-types';
import type { ShipmentService } from '../src/shipments/shipment-service';
import { normalizeShipments, todayIn } from '../src/shipments/normalize-shipments';
import { getShipmentHandler, submitShipmentsHandler } from './handlers/shipments-handler';
import { rejectForbiddenKeys } from './middleware/reject-forbidden-keys';
import { requireBearer } from './middleware/require-bearer';
import { requireContentType } from './middleware/require-content-type';
import { rejectInvalid, validated } from './middleware/reject-invalid';

const shipmentsChains = () => [
  header('idempotency-key')
    .optional()
    .isString()
    .isLength({ min: 1, max: 255 })
    .withMessage('must be 1-255 characters'),
];

/** POST /shipments (one object or a list of up to 100) and GET /shipments/{id}, under the shipments token. */
export function shipmentsRouter(deps: { config: Config; shipments: ShipmentService }): Router {
  const router = Router();
  router.use(requireBearer(deps.config.auth.shipmentsToken, 'auth.shipmentsToken'));
  router.post(
    '/',
    requireContentType(['application/json']),
    express.json({ limit: '256kb', strict: true }),
    rejectForbiddenKeys,
    ...validated(
      'shipment',
      // Defaults filled from the config: the CRM site, and today in the warehouse's time zone.
      (b) => normalizeShipments(b, { site: deps.config.crm.site, today: todayIn(deps.config.shipments.timeZone) }),
      submitShipmentsHandler(deps.shipments),
      shipmentsChains(),
    ),
  );
  router.get(
    '/:id',
    param('id')
      .matches(/^shp_[0-9a-f]{16}$/)
      .withMessage('is not a shipment id'),
    rejectInvalid('request'),
    getShipmentHandler(deps.shipments),
  );
  return router;
}
