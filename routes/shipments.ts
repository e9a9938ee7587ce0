import express, { Router } from 'express';
import { param } from 'express-validator';
import type { Config } from '../src/config/config-types';
import type { ShipmentService } from '../src/shipments/shipment-service';
import { getShipmentHandler, submitShipmentsHandler } from './handlers/shipments-handler';
import { rejectForbiddenKeys } from './middleware/reject-forbidden-keys';
import { rejectInvalid } from './middleware/reject-invalid';
import { requireBearer } from './middleware/require-bearer';
import { requireContentType } from './middleware/require-content-type';
import { validated } from './middleware/reject-invalid';
import { readShipments, shipmentsChains } from './validators/shipments-validator';

/** POST /shipments (one object or a list of up to 100) and GET /shipments/{id}, under the shipments token. */
export function shipmentsRouter(deps: { config: Config; shipments: ShipmentService }): Router {
  const router = Router();
  router.use(requireBearer(deps.config.auth.shipmentsToken, 'auth.shipmentsToken'));
  router.post(
    '/',
    requireContentType(['application/json']),
    express.json({ limit: '256kb', strict: true }),
    rejectForbiddenKeys,
    ...validated('shipment', readShipments(deps.config), submitShipmentsHandler(deps.shipments), shipmentsChains()),
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
