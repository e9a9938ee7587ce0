import { body, header } from 'express-validator';
import type { Request } from 'express';
import type { Config } from '../../src/config/config-types';
import { normalizeShipments, todayIn, type ShipmentInput } from '../../src/shipments/normalize-shipments';
import { keepWalkResult, keptWalkResult, rejectInvalid } from '../middleware/reject-invalid';

const SHIPMENTS = Symbol('shipments');

/** One walk over the body (an object or a list of up to 100), as for offers; defaults filled from the config. */
export function shipmentsValidator(config: Config) {
  return [
    header('idempotency-key')
      .optional()
      .isString()
      .isLength({ min: 1, max: 255 })
      .withMessage('must be 1-255 characters'),
    body().custom((value, { req }) =>
      keepWalkResult(
        req,
        SHIPMENTS,
        normalizeShipments(value, { site: config.crm.site, today: todayIn(config.shipments.timeZone) }),
      ),
    ),
    rejectInvalid('shipment'),
  ];
}

export function validatedShipments(req: Request): { shipments: ShipmentInput[]; many: boolean } {
  return keptWalkResult(req, SHIPMENTS);
}
