import { header } from 'express-validator';
import type { Config } from '../../src/config/config-types';
import { normalizeShipments, todayIn, type ShipmentInput } from '../../src/shipments/normalize-shipments';
import type { Normalised } from '../middleware/reject-invalid';

export interface ShipmentsInput {
  shipments: ShipmentInput[];
  many: boolean;
}

export const shipmentsChains = () => [
  header('idempotency-key')
    .optional()
    .isString()
    .isLength({ min: 1, max: 255 })
    .withMessage('must be 1-255 characters'),
];

/** One walk over the body (an object or a list of up to 100), as for offers; defaults filled from the config. */
export function readShipments(config: Config): (body: unknown) => Normalised<ShipmentsInput> {
  return (body) => normalizeShipments(body, { site: config.crm.site, today: todayIn(config.shipments.timeZone) });
}
