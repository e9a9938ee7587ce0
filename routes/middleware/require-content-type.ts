import type { RequestHandler } from 'express';
import { AppError } from '../../src/domain/app-error';

export function requireContentType(types: string[]): RequestHandler {
  return (req, _res, next) => {
    if (req.is(types)) return next();
    next(new AppError(415, `Content-Type must be ${types.join(' or ')}`, { code: 'content-type' }));
  };
}
