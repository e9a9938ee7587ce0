import type { RequestHandler } from 'express';
import { validationResult } from 'express-validator';
import { AppError } from '../../src/app-error';

/** Where a custom validator found several problems, it leaves them here so each field is named. */
export const FIELD_ERRORS = Symbol('fieldErrors');

/**
 * For a custom validator that walks a whole value once (offers, shipments): on problems, leave every one for
 * `rejectInvalid` and fail on the first; otherwise keep the normalised result on the request under `key`.
 */
export function keepWalkResult<T extends object>(
  req: unknown,
  key: symbol,
  result: T | { errors: Record<string, string> },
): true {
  const r = req as Record<symbol, unknown>;
  if ('errors' in result) {
    r[FIELD_ERRORS] = result.errors;
    const [path, msg] = Object.entries(result.errors)[0];
    throw new Error(`${path} ${msg}`);
  }
  r[key] = result;
  return true;
}

/** The result `keepWalkResult` kept under `key`. */
export function keptWalkResult<T>(req: unknown, key: symbol): T {
  return (req as Record<symbol, T>)[key];
}

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
    const first = Object.entries(details)[0];
    const more = Object.keys(details).length > 1 ? ` (and ${Object.keys(details).length - 1} more)` : '';
    next(new AppError(400, `invalid ${what}: ${first[0]} ${first[1]}${more}`, { code: 'validation', details }));
  };
}
