import type { RequestHandler } from 'express';
import { AppError } from '../../src/domain/app-error';
import { safeEqualTo } from './safe-equal';

/** `Authorization: Bearer <token>`: missing → 401, wrong → 403. */
export function requireBearer(expected: string, what: string): RequestHandler {
  const matches = safeEqualTo(expected);
  return (req, _res, next) => {
    const h = req.get('authorization');
    const m = h?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!m)
      return next(new AppError(401, `a bearer token is required (Authorization: Bearer <${what}>)`, { code: 'auth' }));
    if (!matches(m[1])) return next(new AppError(403, 'the bearer token is not valid', { code: 'auth' }));
    next();
  };
}
