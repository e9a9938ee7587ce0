import { Router } from 'express';
import { param } from 'express-validator';
import type { AdminService } from '../../src/admin/admin-service';
import type { CallbackCapture } from '../../src/intake/callback-capture';
import type { UnmappedWarehouses } from '../../src/intake/unmapped-warehouses';
import { rejectInvalid } from '../middleware/reject-invalid';
import { json } from './admin-json';

/** One offer across every target, by any of its identifiers. */
export function itemsAdminRouter(a: AdminService): Router {
  const router = Router();
  router.get(
    '/items/:identifier',
    param('identifier').isLength({ min: 1, max: 255 }).withMessage('must be an offer identifier'),
    rejectInvalid('request'),
    json((req) => a.findItem(String(req.params.identifier))),
  );
  return router;
}

/** Recent inventoriesUpload callbacks of this instance (in memory). */
export function callbacksAdminRouter(capture: CallbackCapture | undefined): Router {
  const router = Router();
  router.get(
    '/callbacks/recent',
    json(() => Promise.resolve({ callbacks: capture?.recent() ?? [] })),
  );
  return router;
}

/** CRM warehouses no target maps, with their last figures (this instance, since it started). */
export function unmappedWarehousesRouter(unmapped: UnmappedWarehouses | undefined): Router {
  const router = Router();
  router.get(
    '/unmapped-warehouses',
    json(() => Promise.resolve({ warehouses: unmapped?.list() ?? [] })),
  );
  return router;
}
