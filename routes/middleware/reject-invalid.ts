import type { RequestHandler } from 'express';
import { validationResult } from 'express-validator';
import { AppError } from '../../src/app-error';

/** Where a custom validator found several problems, it leaves them here so each field is named. */
export const FIELD_ERRORS = Symbol('fieldErrors');

export function rejectInvalid(what: string): RequestHandler {
  return (req, _res, next) => {
    const result = validationResult(req);
    if (result.isEmpty()) return next();
    const details: Record<string, string> = {};
    for (const e of result.array()) {
      if (e.type === 'field') {
        const stashed = (req as unknown as Record<symbol, Record<string, string> | undefined>)[FIELD_ERRORS];
        if (stashed && (e.path === 'offers' || e.path === '')) Object.assign(details, stashed);
        else details[e.path] ??= String(e.msg);
      } else details._ ??= String(e.msg);
    }
    const first = Object.entries(details)[0]!;
    const more = Object.keys(details).length > 1 ? ` (and ${Object.keys(details).length - 1} more)` : '';
    next(new AppError(400, `invalid ${what}: ${first[0]} ${first[1]}${more}`, { code: 'validation', details }));
  };
}
