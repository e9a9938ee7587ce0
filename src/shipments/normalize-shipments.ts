import type { FieldErrors, Normalised } from '../domain/normalised';
import { identifierProblem, textProblem } from '../domain/safe-text';

export interface ShipmentInput {
  by: 'externalId' | 'id';
  ref: string;
  site: string;
  report: { shipped: boolean; shipmentStore: string; shipmentDate: string };
}

const ALLOWED = new Set(['orderExternalId', 'orderId', 'site', 'shipmentStore', 'shipmentDate', 'shipped']);
export const MAX_SHIPMENTS = 100;

/** A POST /shipments body as read: one shipment or a list (`many`), defaults filled. */
export interface ShipmentsInput {
  shipments: ShipmentInput[];
  many: boolean;
}
const MAX_LEN = 255;

function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const SHAPE = `must be a non-empty string of at most ${MAX_LEN} characters`;

/** A text field, or why not. `inPath`: it becomes a URL path segment (the order reference in the CRM's path). */
function str(v: unknown, inPath = false): string | { error: string } {
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_LEN) return { error: SHAPE };
  const problem = inPath ? identifierProblem(v) : textProblem(v);
  return problem ? { error: problem } : v;
}

const fieldError = (v: string | { error: string }): string | undefined => (typeof v === 'string' ? undefined : v.error);

/**
 * One shipment object or a list of up to 100. Exactly one of `orderExternalId` / `orderId` (it decides `by`);
 * `site` defaults to the CRM site; `shipmentDate` (YYYY-MM-DD, a real date) to today in the configured time zone;
 * `shipped` to true. Unknown fields are refused, so a typo never silently drops a value.
 */
export function normalizeShipments(
  input: unknown,
  defaults: { site: string; today: string },
): Normalised<ShipmentsInput> {
  const many = Array.isArray(input);
  const list = many ? (input as unknown[]) : [input];
  if (many && list.length === 0) return { errors: { body: 'must contain at least one shipment' } };
  if (list.length > MAX_SHIPMENTS)
    return { errors: { body: `must contain at most ${MAX_SHIPMENTS} shipments (got ${list.length})` } };
  const errors: FieldErrors = {};
  const out: ShipmentInput[] = [];
  list.forEach((raw, i) => {
    const p = many ? `[${i}].` : '';
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      errors[many ? `[${i}]` : 'body'] = 'must be a JSON object';
      return;
    }
    const o = raw as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !ALLOWED.has(k));
    for (const k of unknown) errors[`${p}${k}`] = 'is not a known field';
    const hasExt = o.orderExternalId !== undefined;
    const hasId = o.orderId !== undefined;
    let by: ShipmentInput['by'] = 'externalId';
    let ref: string | undefined;
    if (hasExt === hasId) errors[`${p}orderExternalId`] = 'give exactly one of orderExternalId or orderId';
    else if (hasExt) {
      const r = str(o.orderExternalId, true);
      if (typeof r === 'string') ref = r;
      else errors[`${p}orderExternalId`] = r.error;
    } else {
      by = 'id';
      const id = typeof o.orderId === 'string' && /^\d+$/.test(o.orderId) ? Number(o.orderId) : o.orderId;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
        errors[`${p}orderId`] = 'must be a positive integer';
      else ref = String(id);
    }
    const siteIn = o.site === undefined ? defaults.site : str(o.site);
    const site = typeof siteIn === 'string' ? siteIn : undefined;
    if (!site) errors[`${p}site`] = fieldError(siteIn) ?? SHAPE;
    const storeIn = str(o.shipmentStore);
    const store = typeof storeIn === 'string' ? storeIn : undefined;
    if (!store)
      errors[`${p}shipmentStore`] =
        o.shipmentStore === undefined ? 'is required (the CRM warehouse code)' : (fieldError(storeIn) ?? SHAPE);
    const date = o.shipmentDate === undefined ? defaults.today : o.shipmentDate;
    if (typeof date !== 'string' || !isRealDate(date)) errors[`${p}shipmentDate`] = 'must be a date as YYYY-MM-DD';
    if (o.shipped !== undefined && typeof o.shipped !== 'boolean') errors[`${p}shipped`] = 'must be true or false';
    if (ref && site && store && typeof date === 'string')
      out.push({ by, ref, site, report: { shipped: o.shipped !== false, shipmentStore: store, shipmentDate: date } });
  });
  return Object.keys(errors).length ? { errors } : { shipments: out, many };
}

/** Today's date (YYYY-MM-DD) in an IANA time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
