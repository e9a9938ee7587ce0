import type { RequestHandler } from 'express';
import { AppError } from '../../src/domain/app-error';
import { safeEqualTo } from './safe-equal';

/** The CRM names the account by `clientId` (form/JSON field, or query). Missing → 401, wrong → 403. */
export function requireClientId(expected: string): RequestHandler {
  const matches = safeEqualTo(expected);
  return (req, _res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const given = body.clientId ?? req.query.clientId;
    if (given === undefined || given === '') return next(new AppError(401, 'clientId is missing', { code: 'auth' }));
    if (typeof given !== 'string' || !matches(given))
      return next(new AppError(403, 'clientId is not valid for this module', { code: 'auth' }));
    next();
  };
}
