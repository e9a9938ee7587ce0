import type { Normalised } from '../domain/normalised';
import { parseJsonField } from '../intake/read-inventories-callback';

/** The CRM's activity callback as read. */
export interface ActivityInput {
  active: boolean;
  freeze: boolean;
  systemUrl?: string;
}

/** `activity={"active","freeze"}` (a JSON string in a form, or an object) and the optional `systemUrl`. */
export function readActivity(input: unknown): Normalised<ActivityInput> {
  const b = (input ?? {}) as Record<string, unknown>;
  if (b.activity === undefined) return { errors: { activity: 'is required' } };
  let a: unknown;
  try {
    a = parseJsonField(b.activity, 'a JSON object {"active", "freeze"}');
  } catch (e) {
    return { errors: { activity: (e as Error).message } };
  }
  if (!a || typeof a !== 'object' || Array.isArray(a))
    return { errors: { activity: 'must be an object {"active", "freeze"}' } };
  const o = a as Record<string, unknown>;
  if (typeof o.active !== 'boolean') return { errors: { 'activity.active': 'must be true or false' } };
  if (o.freeze !== undefined && typeof o.freeze !== 'boolean')
    return { errors: { 'activity.freeze': 'must be true or false' } };
  const systemUrl = typeof b.systemUrl === 'string' ? b.systemUrl : undefined;
  return { active: o.active, freeze: o.freeze === true, systemUrl };
}
