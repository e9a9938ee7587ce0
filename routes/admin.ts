import express, { Router, type RequestHandler } from 'express';
import { body, param, query } from 'express-validator';
import type { AdminService } from '../src/admin/admin-service';
import type { CallbackCapture } from '../src/answers/callback-capture';
import type { ShipmentService } from '../src/shipments/shipment-service';
import type { Stores } from '../src/storage/stores';
import { rejectInvalid } from './middleware/reject-invalid';
import { requireAdmin } from './middleware/dashboard-session';
import type { SessionStore } from '../src/dashboard/session-store';

const target = param('target').isString().isLength({ min: 1, max: 64 }).withMessage('must be a target name');

/** Handlers are one service call each; the router wires auth and validation. */
export function adminRouter(deps: {
  admin: AdminService;
  shipments: ShipmentService;
  storage: Pick<Stores, 'sources'>;
  /** Recent inventoriesUpload callbacks of this instance (in memory). */
  capture?: CallbackCapture;
  token: string;
  sessions: SessionStore;
}): Router {
  const a = deps.admin;
  const router = Router();
  const json =
    (fn: (req: express.Request) => Promise<unknown>): RequestHandler =>
    async (req, res) => {
      res.json(await fn(req));
    };
  const t = (req: express.Request) => String(req.params.target);
  router.use(requireAdmin(deps.token, deps.sessions), express.json({ limit: '16kb' }));
  router.get(
    '/callbacks/recent',
    json(() => Promise.resolve({ callbacks: deps.capture?.recent() ?? [] })),
  );
  router.get(
    '/targets',
    json(async () => ({ unprojectedCallbacks: await a.unprojectedCallbacks(), targets: await a.listTargets() })),
  );
  router.get(
    '/targets/:target/dead-letters',
    target,
    rejectInvalid('request'),
    json(async (req) => ({ deadLetters: await a.deadLetters(t(req)) })),
  );
  router.get(
    '/targets/:target/failures',
    target,
    rejectInvalid('request'),
    json(async (req) => ({ failures: await a.failures(t(req)) })),
  );
  router.get(
    '/targets/:target/unmapped',
    target,
    rejectInvalid('request'),
    json(async (req) => ({ unmapped: await a.unmapped(t(req)) })),
  );
  router.get(
    '/targets/:target/items/:item',
    target,
    rejectInvalid('request'),
    json((req) => a.explainItem(t(req), String(req.params.item))),
  );
  router.get(
    '/targets/:target/items/:item/live',
    target,
    rejectInvalid('request'),
    json((req) => a.liveFigure(t(req), String(req.params.item))),
  );
  router.post(
    '/targets/:target/dead-letters/retry',
    target,
    body('item').optional().isString().isLength({ min: 1, max: 255 }).withMessage('must be an item identifier'),
    rejectInvalid('retry request'),
    json((req) => a.retryDead(t(req), (req.body as { item?: string } | undefined)?.item ?? null)),
  );
  router.post(
    '/targets/:target/pause',
    target,
    body('reason').optional().isString().isLength({ max: 500 }).withMessage('must be at most 500 characters'),
    rejectInvalid('pause request'),
    json(async (req) => {
      await a.pause(t(req), (req.body as { reason?: string } | undefined)?.reason ?? 'paused by an operator');
      return { paused: true };
    }),
  );
  router.get(
    '/sync-runs',
    query('source').optional().isString().isLength({ max: 64 }),
    rejectInvalid('request'),
    json(async (req) => ({
      runs: await a.syncRuns(typeof req.query.source === 'string' ? req.query.source : null),
    })),
  );
  router.get(
    '/items/:identifier',
    param('identifier').isLength({ min: 1, max: 255 }).withMessage('must be an offer identifier'),
    rejectInvalid('request'),
    json((req) => a.findItem(String(req.params.identifier))),
  );
  router.get(
    '/shipments',
    query('status').isIn(['pending', 'failed', 'delivered']).withMessage('must be pending, failed or delivered'),
    rejectInvalid('request'),
    json(async (req) => ({ shipments: await a.shipments(req.query.status as 'pending' | 'failed' | 'delivered') })),
  );
  router.get(
    '/sources',
    json(async () => ({ sources: await a.sources() })),
  );
  router.post(
    '/sources/:source/sync',
    param('source').isString().isLength({ min: 1, max: 64 }).withMessage('must be a source name'),
    rejectInvalid('request'),
    json((req) => Promise.resolve(a.syncNow(String(req.params.source)))),
  );
  router.get(
    '/shipments/failures',
    json(async () => ({ failures: await deps.shipments.failures() })),
  );
  router.post(
    '/shipments/retry',
    json(() => deps.shipments.retry(null)),
  );
  router.post(
    '/shipments/:id/retry',
    param('id')
      .matches(/^shp_[0-9a-f]{16}$/)
      .withMessage('is not a shipment id'),
    rejectInvalid('retry request'),
    json((req) => deps.shipments.retry(String(req.params.id))),
  );
  router.post(
    '/targets/:target/resume',
    target,
    rejectInvalid('resume request'),
    json(async (req) => {
      await a.resume(t(req));
      return { paused: false };
    }),
  );
  return router;
}
