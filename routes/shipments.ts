import crypto from 'node:crypto';
import express, { Router, type Request } from 'express';
import { body, header, param } from 'express-validator';
import type { Config } from '../src/config/config-types';
import type { ShipmentService } from '../src/shipments/shipment-service';
import { normalizeShipments, todayIn, type ShipmentInput } from '../src/sync/normalize-shipments';
import { FIELD_ERRORS, rejectInvalid } from './middleware/reject-invalid';
import { rejectForbiddenKeys } from './middleware/reject-forbidden-keys';
import { requireBearer } from './middleware/require-bearer';
import { requireContentType } from './middleware/require-content-type';

const SHIPMENTS = Symbol('shipments');

function validatedShipments(req: Request): { shipments: ShipmentInput[]; many: boolean } {
  return (req as unknown as Record<symbol, { shipments: ShipmentInput[]; many: boolean }>)[SHIPMENTS]!;
}

/** POST /shipments (one object or a list of up to 100) and GET /shipments/{id}, under the shipments token. */
export function shipmentsRouter(deps: { config: Config; shipments: ShipmentService }): Router {
  const router = Router();
  router.use(requireBearer(deps.config.auth.shipmentsToken, 'auth.shipmentsToken'));
  router.post('/',
    requireContentType(['application/json']),
    express.json({ limit: '256kb', strict: true }),
    rejectForbiddenKeys,
    header('idempotency-key').optional().isString().isLength({ min: 1, max: 255 }).withMessage('must be 1-255 characters'),
    body().custom((value, { req }) => {
      const r = normalizeShipments(value, { site: deps.config.crm.site, today: todayIn(deps.config.shipments.timeZone) });
      if ('errors' in r) {
        (req as Record<symbol, unknown>)[FIELD_ERRORS] = r.errors;
        const [path, msg] = Object.entries(r.errors)[0]!;
        throw new Error(`${path} ${msg}`);
      }
      (req as Record<symbol, unknown>)[SHIPMENTS] = r;
      return true;
    }),
    rejectInvalid('shipment'),
    async (req, res) => {
      const { shipments, many } = validatedShipments(req);
      const bodyHash = () => crypto.createHash('sha256').update(JSON.stringify(req.body)).digest('hex');
      const out = await deps.shipments.submit(shipments, req.get('idempotency-key'), bodyHash);
      res.status(out.created ? 202 : 200).json(many ? { shipments: out.shipments } : out.shipments[0]);
    });
  router.get('/:id', param('id').matches(/^shp_[0-9a-f]{16}$/).withMessage('is not a shipment id'), rejectInvalid('request'),
    async (req, res) => { res.json(await deps.shipments.get(String(req.params.id))); });
  return router;
}
