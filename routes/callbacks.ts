import express, { Router, type RequestHandler } from 'express';
import type { Config } from '../src/config/config-types';
import type { ActivityService } from '../src/intake/activity-service';
import type { Intake } from '../src/intake/create-intake';
import type { Metrics } from '../src/metrics/create-metrics';
import { activityHandler } from './handlers/activity-handler';
import { inventoriesUploadHandler } from './handlers/inventories-upload-handler';
import { parseForm } from './middleware/parse-form';
import { rejectForbiddenKeys } from './middleware/reject-forbidden-keys';
import { requireClientId } from './middleware/require-client-id';
import { requireContentType } from './middleware/require-content-type';
import { activityValidator } from './validators/activity-validator';
import { inventoriesUploadValidator } from './validators/inventories-upload-validator';

/** CRM callbacks: form encoding (JSON strings in fields) or plain JSON; answered in the CRM's envelope. */
export function callbacksRouter(deps: {
  config: Config;
  intake: Intake;
  activity: ActivityService;
  metrics: Metrics;
}): Router {
  const router = Router();
  const limit = deps.config.intake.maxBodyBytes;
  const crmEnvelope: RequestHandler = (_req, res, next) => {
    res.locals.envelope = 'crm';
    next();
  };
  const countRejected: RequestHandler = (_req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) deps.metrics.callbacks.inc({ kind: 'any', outcome: 'rejected' });
    });
    next();
  };
  const parse = [
    requireContentType(['application/x-www-form-urlencoded', 'application/json']),
    ...parseForm(limit, 100),
    express.json({ limit, strict: true }),
    rejectForbiddenKeys,
    requireClientId(deps.config.crm.clientId),
  ];
  router.use(crmEnvelope, countRejected);
  router.post(
    '/inventories-upload',
    ...parse,
    ...inventoriesUploadValidator(deps.config.intake),
    inventoriesUploadHandler(deps.intake, deps.metrics),
  );
  router.post('/activity', ...parse, ...activityValidator(), activityHandler(deps.activity, deps.metrics));
  return router;
}
