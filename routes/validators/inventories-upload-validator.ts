import { body } from 'express-validator';
import type { Request } from 'express';
import type { IntakeLimits, IntakeOffer } from '../../src/intake/offer-types';
import { normalizeOffers } from '../../src/intake/normalize-offers';
import { keepWalkResult, keptWalkResult, rejectInvalid } from '../middleware/reject-invalid';

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
    body('offers')
      .exists()
      .withMessage('is required')
      .bail()
      .custom((value, { req }) =>
        keepWalkResult(req, OFFERS, normalizeOffers(parseJsonField(value, 'a JSON list of offers'), limits)),
      ),
    rejectInvalid('inventoriesUpload callback'),
  ];
}

export function validatedOffers(req: Request): IntakeOffer[] {
  return keptWalkResult<{ offers: IntakeOffer[] }>(req, OFFERS).offers;
}
