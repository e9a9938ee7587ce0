import express, { Router } from 'express';
import type { AdminService } from '../src/admin/admin-service';
import type { CallbackCapture } from '../src/intake/callback-capture';
import type { UnmappedWarehouses } from '../src/intake/unmapped-warehouses';
import type { ShipmentService } from '../src/shipments/shipment-service';
import type { Stores } from '../src/storage/stores';
import { requireAdmin } from './middleware/dashboard-session';
import type { SessionStore } from '../src/dashboard/session-store';
import { targetActionsRouter, targetReadsRouter } from './admin/targets-admin-router';
import { shipmentsAdminRouter } from './admin/shipments-admin-router';
import { sourcesAdminRouter } from './admin/sources-admin-router';
import { callbacksAdminRouter, itemsAdminRouter, unmappedWarehousesRouter } from './admin/items-admin-router';

/** Handlers are one service call each; the routers per surface wire validation, this one auth and the body parser. */
export function adminRouter(deps: {
  admin: AdminService;
  shipments: ShipmentService;
  storage: Pick<Stores, 'sources'>;
  /** Recent inventoriesUpload callbacks of this instance (in memory). */
  capture?: CallbackCapture;
  unmappedWarehouses?: UnmappedWarehouses;
  token: string;
  sessions: SessionStore;
}): Router {
  const router = Router();
  router.use(requireAdmin(deps.token, deps.sessions), express.json({ limit: '16kb' }));
  router.use(
    callbacksAdminRouter(deps.capture),
    unmappedWarehousesRouter(deps.unmappedWarehouses),
    targetReadsRouter(deps.admin),
    targetActionsRouter(deps.admin),
    sourcesAdminRouter(deps.admin),
    itemsAdminRouter(deps.admin),
    shipmentsAdminRouter(deps.admin, deps.shipments),
  );
  return router;
}
