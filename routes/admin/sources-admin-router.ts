import { Router } from 'express';
import { param, query } from 'express-validator';
import type { AdminService } from '../../src/admin/admin-service';
import { rejectInvalid } from '../middleware/reject-invalid';
import { json } from './admin-json';

/** Pull sources for operators: their state, their sync runs, a sync now. */
export function sourcesAdminRouter(a: AdminService): Router {
  const router = Router();
  router.get(
    '/sync-runs',
    query('source').optional().isString().isLength({ max: 64 }),
    rejectInvalid('request'),
    json(async (req) => ({
      runs: await a.syncRuns(typeof req.query.source === 'string' ? req.query.source : null),
    })),
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
  return router;
}
