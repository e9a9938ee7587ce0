import type { RequestHandler } from 'express';
import { AppError } from '../../src/domain/app-error';
import type { Account } from '../../src/accounts/account-registry';

/**
 * `Authorization: Bearer <shipments token>`: the token picks the account (looked up by its hash, one Map lookup).
 * Missing → 401, unknown → 403; the account found is `res.locals.account`.
 */
export function requireAccountBearer(byToken: (given: string) => Account | undefined, what: string): RequestHandler {
  return (req, res, next) => {
    const m = req.get('authorization')?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!m)
      return next(new AppError(401, `a bearer token is required (Authorization: Bearer <${what}>)`, { code: 'auth' }));
    const account = byToken(m[1]);
    if (!account) return next(new AppError(403, 'the bearer token is not valid', { code: 'auth' }));
    res.locals.account = account;
    next();
  };
}
