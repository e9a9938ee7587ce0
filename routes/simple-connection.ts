import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ConnectAccount } from '../src/connect/connect-account';
import { readRegister, registerSignature } from '../src/connect/simple-connection';
import { AppError } from '../src/domain/app-error';
import { parseForm } from './middleware/parse-form';
import { requireContentType } from './middleware/require-content-type';
import { safeEqual } from './middleware/safe-equal';

/**
 * RetailCRM's "simple connection" (one click in the marketplace): the CRM reads the config, then posts a signed
 * registration; a good signature runs the one connect routine. Mounted only when `connect.marketplaceSecret` is set.
 */
export function simpleConnectionRouter(deps: {
  secret: string;
  publicUrl: string;
  scopes: readonly string[];
  connectAccount: ConnectAccount;
  log: Logger;
}): Router {
  const router = Router();
  const crmEnvelope: RequestHandler = (_req, res, next) => {
    res.locals.envelope = 'crm';
    next();
  };
  router.use(crmEnvelope);
  router.get('/config', (_req, res) => {
    res.json({ success: true, scopes: deps.scopes, registerUrl: `${deps.publicUrl}/simple-connection/register` });
  });
  router.post(
    '/register',
    requireContentType(['application/x-www-form-urlencoded']),
    ...parseForm(16 * 1024, 10),
    async (req, res) => {
      const reg = readRegister(req.body);
      if (!safeEqual(reg.token, registerSignature(deps.secret, reg.apiKey))) {
        // Neither the key nor the token is logged: only that a registration came unsigned.
        deps.log.warn({ ip: req.ip }, 'simple connection refused: bad signature');
        throw new AppError(401, 'the registration is not signed with this module’s secret', { code: 'auth' });
      }
      const { account, created } = await deps.connectAccount({ url: reg.systemUrl, apiKey: reg.apiKey, via: 'simple' });
      deps.log.info({ account: account.name, created }, 'account connected by simple connection');
      res.status(created ? 201 : 200).json({ success: true, accountUrl: `${deps.publicUrl}/settings` });
    },
  );
  return router;
}
