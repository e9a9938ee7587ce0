import type { Request, RequestHandler, Response } from 'express';
import { body, validationResult, type ValidationChain } from 'express-validator';
import { AppError } from '../../src/domain/app-error';

import type { FieldErrors, Normalised } from '../../src/domain/normalised';

/** A handler that receives its validated, typed input as an argument (it never reads it back from the request). */
export type TypedHandler<T> = (input: T, req: Request, res: Response) => Promise<void> | void;

function isInvalid<T>(r: Normalised<T>): r is { errors: FieldErrors } {
  return typeof r === 'object' && r !== null && 'errors' in r;
}

/**
 * One express-validator `custom()` walk runs the normaliser over the whole body (measured ~30x faster than
 * wildcard chains); every problem it finds is named in the 400. The handler gets the typed result as an argument.
 * `chains` (headers, simple fields) run first. The per-request hand-over uses WeakMaps private to this route.
 */
export function validated<T>(
  what: string,
  normalise: (body: unknown, req: Request) => Normalised<T>,
  handle: TypedHandler<T>,
  chains: ValidationChain[] = [],
): RequestHandler[] {
  const results = new WeakMap<object, T>();
  const problems = new WeakMap<object, FieldErrors>();
  const walk = body().custom((value, { req }) => {
    const r = normalise(value, req as Request);
    if (isInvalid(r)) {
      problems.set(req, r.errors);
      const [path, msg] = Object.entries(r.errors)[0];
      throw new Error(`${path} ${msg}`);
    }
    results.set(req, r);
    return true;
  });
  const run: RequestHandler = async (req, res) => {
    const input = results.get(req) as T;
    results.delete(req);
    await handle(input, req, res);
  };
  return [...chains, walk, rejectInvalid(what, (req) => problems.get(req)), run];
}

export function rejectInvalid(what: string, walkErrors?: (req: Request) => FieldErrors | undefined): RequestHandler {
  return (req, _res, next) => {
    const result = validationResult(req);
    if (result.isEmpty()) return next();
    const details: FieldErrors = {};
    for (const e of result.array()) {
      if (e.type === 'field') {
        const found = e.path === '' ? walkErrors?.(req) : undefined;
        if (found) Object.assign(details, found);
        else details[e.path || '_'] ??= String(e.msg);
      } else details._ ??= String(e.msg);
    }
    const first = Object.entries(details)[0];
    const more = Object.keys(details).length > 1 ? ` (and ${Object.keys(details).length - 1} more)` : '';
    next(new AppError(400, `invalid ${what}: ${first[0]} ${first[1]}${more}`, { code: 'validation', details }));
  };
}
