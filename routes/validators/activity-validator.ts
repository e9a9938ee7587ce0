import { body } from 'express-validator';
import type { Request } from 'express';
import { rejectInvalid } from '../middleware/reject-invalid';
import { parseJsonField } from './inventories-upload-validator';

const ACTIVITY = Symbol('activity');

export function activityValidator() {
  return [
    body('systemUrl')
      .optional()
      .isString()
      .withMessage('must be a string')
      .bail()
      .isLength({ max: 2048 })
      .withMessage('is too long')
      .bail()
      .isURL({ require_protocol: true, require_tld: false })
      .withMessage('must be a URL'),
    body('activity')
      .exists()
      .withMessage('is required')
      .bail()
      .custom((value, { req }) => {
        const a = parseJsonField(value, 'a JSON object {"active", "freeze"}');
        if (!a || typeof a !== 'object' || Array.isArray(a)) throw new Error('must be an object {"active", "freeze"}');
        const o = a as Record<string, unknown>;
        if (typeof o.active !== 'boolean') throw new Error('.active must be true or false');
        if (o.freeze !== undefined && typeof o.freeze !== 'boolean') throw new Error('.freeze must be true or false');
        (req as Record<symbol, unknown>)[ACTIVITY] = { active: o.active, freeze: o.freeze === true };
        return true;
      }),
    rejectInvalid('activity callback'),
  ];
}

export function validatedActivity(req: Request): { active: boolean; freeze: boolean; systemUrl?: string } {
  const a = (req as unknown as Record<symbol, { active: boolean; freeze: boolean }>)[ACTIVITY];
  const systemUrl = (req.body as Record<string, unknown>).systemUrl;
  return { ...a, systemUrl: typeof systemUrl === 'string' ? systemUrl : undefined };
}
