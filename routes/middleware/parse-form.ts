import querystring from 'node:querystring';
import express, { type RequestHandler } from 'express';
import { AppError } from '../../src/app-error';

/**
 * Flat form parsing with node:querystring. body-parser 2 runs `qs` even with extended:false, and profiling a
 * 250-offer callback showed its bracket regexes and decoding at ~12% of the request; querystring does the same
 * flat job (the CRM nests by JSON strings, never by brackets) and returns a null-prototype object.
 */
export function parseForm(limitBytes: number, maxFields: number): RequestHandler[] {
  return [
    express.text({ type: 'application/x-www-form-urlencoded', limit: limitBytes }),
    (req, _res, next) => {
      if (!req.is('application/x-www-form-urlencoded') || typeof req.body !== 'string') return next();
      const text = req.body;
      let fields = 1;
      for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) fields++;
      if (fields > maxFields) return next(new AppError(413, `body has too many form fields (more than ${maxFields})`, { code: 'too-large' }));
      req.body = querystring.parse(text);
      next();
    },
  ];
}
