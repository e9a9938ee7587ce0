import { Router } from 'express';
import { param, query } from 'express-validator';
import type { AdminService } from '../../src/admin/admin-service';
import type { ShipmentService } from '../../src/shipments/shipment-service';
import { rejectInvalid } from '../middleware/reject-invalid';
import { json } from './admin-json';

/** Shipment reports for operators: list by status, failures, retry one or all failed. */
export function shipmentsAdminRouter(a: AdminService, shipments: ShipmentService): Router {
  const router = Router();
  router.get(
    '/shipments',
    query('status').isIn(['pending', 'failed', 'delivered']).withMessage('must be pending, failed or delivered'),
    rejectInvalid('request'),
    json(async (req) => ({ shipments: await a.shipments(req.query.status as 'pending' | 'failed' | 'delivered') })),
  );
  router.get(
    '/shipments/failures',
    json(async () => ({ failures: await shipments.failures() })),
  );
  router.post(
    '/shipments/retry',
    json(() => shipments.retry(null)),
  );
  router.post(
    '/shipments/:id/retry',
    param('id')
      .matches(/^shp_[0-9a-f]{16}$/)
      .withMessage('is not a shipment id'),
    rejectInvalid('retry request'),
    json((req) => shipments.retry(String(req.params.id))),
  );
  return router;
}
