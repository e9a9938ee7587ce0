import { Router } from 'express';
import { body } from 'express-validator';
import type { AdminService } from '../../src/admin/admin-service';
import { rejectInvalid } from '../middleware/reject-invalid';
import { json, targetName as t, targetParam as target } from './admin-json';

/** What operators read about targets: the list, dead letters, failures, unmapped offers, one item. */
export function targetReadsRouter(a: AdminService): Router {
  const router = Router();
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
  return router;
}

/** What operators do to a target: retry its dead letters, pause it, resume it. */
export function targetActionsRouter(a: AdminService): Router {
  const router = Router();
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
