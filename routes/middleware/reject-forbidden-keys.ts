import type { RequestHandler } from 'express';
import { AppError } from '../../src/domain/app-error';
import { hasForbiddenKey } from '../../src/intake/normalize-offers';

/** Top-level prototype-pollution keys are refused outright (nested ones are refused by each body's own walk). */
export const rejectForbiddenKeys: RequestHandler = (req, _res, next) => {
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    const bad = hasForbiddenKey(body);
    if (bad)
      return next(
        new AppError(400, `field "${bad}" is not allowed`, {
          code: 'validation',
          details: { [bad]: 'is not an allowed key' },
        }),
      );
  }
  next();
};
