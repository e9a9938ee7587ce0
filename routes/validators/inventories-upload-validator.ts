import { body } from 'express-validator';
import type { Request } from 'express';
import type { IntakeLimits, IntakeOffer } from '../../src/sync/offer-types';
import { normalizeOffers } from '../../src/sync/normalize-offers';
import { FIELD_ERRORS, rejectInvalid } from '../middleware/reject-invalid';

const OFFERS = Symbol('offers');

/** `offers` arrives as a JSON string (form) or an array (JSON); one custom walk validates and normalises it. */
export function parseJsonField(value: unknown, what: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`is not valid JSON (${what})`);
  }
}

export function inventoriesUploadValidator(limits: IntakeLimits) {
  return [
    body('offers').exists().withMessage('is required').bail().custom((value, { req }) => {
      const r = normalizeOffers(parseJsonField(value, 'a JSON list of offers'), limits);
      if ('errors' in r) {
        (req as Record<symbol, unknown>)[FIELD_ERRORS] = r.errors;
        const [path, msg] = Object.entries(r.errors)[0]!;
        throw new Error(`${path} ${msg}`);
      }
      (req as Record<symbol, unknown>)[OFFERS] = r.offers;
      return true;
    }),
    rejectInvalid('inventoriesUpload callback'),
  ];
}

export function validatedOffers(req: Request): IntakeOffer[] {
  return (req as unknown as Record<symbol, IntakeOffer[]>)[OFFERS]!;
}
