import type { RequestHandler } from 'express';
import { AppError } from '../../src/domain/app-error';
import type { Account } from '../../src/accounts/account-registry';

/**
 * The CRM names the account by `clientId` (form/JSON field, or query): it is looked up by its hash (one Map
 * lookup, see AccountRegistry.byClientId), never compared in a loop. Missing → 401, unknown → 403 (`onUnknown`
 * counts it); the account found is `res.locals.account`. The value is never logged nor echoed.
 */
export function requireClientId(
  byClientId: (given: string) => Account | undefined,
  onUnknown?: () => void,
): RequestHandler {
  return (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const given = body.clientId ?? req.query.clientId;
    if (given === undefined || given === '') return next(new AppError(401, 'clientId is missing', { code: 'auth' }));
    const account = typeof given === 'string' ? byClientId(given) : undefined;
    if (!account) {
      onUnknown?.();
      return next(new AppError(403, 'clientId is not valid for this module', { code: 'auth' }));
    }
    res.locals.account = account;
    next();
  };
}
