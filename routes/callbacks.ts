import express, { Router, type RequestHandler } from 'express';
import { body } from 'express-validator';
import type { CallbackCapture } from '../src/intake/callback-capture';
import type { InventoriesCallbackService } from '../src/intake/inventories-callback-service';
import { readInventoriesCallback } from '../src/intake/read-inventories-callback';
import { readActivity } from '../src/accounts/read-activity';
import type { Config } from '../src/config/config-types';
import type { ActivityService } from '../src/accounts/activity-service';
import type { Account, AccountRegistry } from '../src/accounts/account-registry';
import type { Metrics } from '../src/metrics/create-metrics';
import { activityHandler } from './handlers/activity-handler';
import { inventoriesUploadHandler } from './handlers/inventories-upload-handler';
import { OUTCOME } from '../src/domain/outcomes';
import { parseForm } from './middleware/parse-form';
import { validated } from './middleware/reject-invalid';
import { rejectForbiddenKeys } from './middleware/reject-forbidden-keys';
import { requireClientId } from './middleware/require-client-id';
import { requireContentType } from './middleware/require-content-type';

/** `systemUrl` is checked by a chain (URL rules); the rest of the body by `readActivity`. */
const activityChains = () => [
  body('systemUrl')
    .optional()
    .isString()
    .withMessage('must be a string')
    .bail()
    .isLength({ max: 2048 })
    .withMessage('is too long')
    .bail()
    .isURL({ require_protocol: true, require_tld: false })
    .withMessage('must be a URL'),
];

/** How much of a raw body is kept for the capture (it caps again, after masking). */
const RAW_KEEP = 64 * 1024;

/**
 * Records every inventoriesUpload callback of a known account, once answered, with how it was read and its raw
 * body (one without a valid clientId belongs to no account: nothing of it is kept).
 */
const captureCallback =
  (capture: CallbackCapture): RequestHandler =>
  (_req, res, next) => {
    res.on('finish', () => {
      const { callback: c, rawBody: raw, account } = res.locals;
      if (!account) return;
      capture.add({
        account: account.name,
        secret: account.config.crm.clientId,
        reading: c?.reading ?? 'rejected',
        status: res.statusCode,
        offers: c?.named ?? 0,
        answered: c?.answered ?? 0,
        answer: c?.reply ?? null,
        ...(c?.from ? { from: c.from } : {}),
        reason: res.locals.refusal ?? null,
        rawBody: typeof raw === 'string' ? raw.slice(0, RAW_KEEP) : (raw?.toString('utf8', 0, RAW_KEEP) ?? ''),
      });
    });
    next();
  };

/** CRM callbacks: form encoding (JSON strings in fields) or plain JSON; answered in the CRM's envelope. */
export function callbacksRouter(deps: {
  config: Config;
  accounts: Pick<AccountRegistry, 'byClientId'>;
  /** The services of the account a callback's clientId named. */
  servicesOf: (account: Account) => { callbacks: InventoriesCallbackService; activity: ActivityService };
  capture: CallbackCapture;
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
      // An unknown clientId (403 before any account is known) is counted once, as unknown-client.
      if (res.statusCode >= 400 && !(res.statusCode === 403 && !res.locals.account))
        deps.metrics.callbacks.inc({
          kind: 'any',
          outcome: OUTCOME.rejected,
          account: res.locals.account ? deps.metrics.accountLabel(res.locals.account.name) : 'unknown',
        });
    });
    next();
  };
  const [formText, formFields] = parseForm(limit, 100);
  // The raw body is kept (by reference, decoded only if captured) so the capture shows exactly what came.
  const keepRawForm: RequestHandler = (req, res, next) => {
    if (typeof req.body === 'string') res.locals.rawBody = req.body;
    next();
  };
  const parse = [
    requireContentType(['application/x-www-form-urlencoded', 'application/json']),
    formText,
    keepRawForm,
    formFields,
    express.json({
      limit,
      strict: true,
      verify: (_req, res, buf) => ((res as express.Response).locals.rawBody = buf),
    }),
    rejectForbiddenKeys,
    requireClientId(deps.accounts.byClientId, () =>
      deps.metrics.callbacks.inc({ kind: 'any', outcome: OUTCOME.unknownClient, account: 'unknown' }),
    ),
  ];
  const forAccount = (res: express.Response) => deps.servicesOf(res.locals.account!);
  router.use(crmEnvelope, countRejected);
  router.post(
    '/inventories-upload',
    captureCallback(deps.capture),
    ...parse,
    ...validated(
      'inventoriesUpload callback',
      (b) => readInventoriesCallback(b, deps.config.intake),
      inventoriesUploadHandler((res) => forAccount(res).callbacks),
    ),
  );
  router.post(
    '/activity',
    ...parse,
    ...validated(
      'activity callback',
      readActivity,
      activityHandler((res) => forAccount(res).activity, deps.metrics),
      activityChains(),
    ),
  );
  return router;
}
