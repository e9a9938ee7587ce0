import { hasForbiddenKey, normalizeOffers, readId, type FieldErrors } from './normalize-offers';
import type { IntakeLimits, IntakeOffer } from '../domain/offer-types';

/** The identifiers the CRM used for one offer; they come back as given in the reply. */
export interface OfferRef {
  id?: number;
  externalId?: string;
  xmlId?: string;
  site?: string;
}

export interface OrderRef {
  id?: number;
  externalId?: string;
  number?: string;
  site?: string;
}

export type Reading = 'figures' | 'offers-question' | 'order-question' | 'mixed' | 'unknown';

/** How one inventoriesUpload callback was read: figures to store, offers asked about, an order to read. */
export interface InventoriesCallback {
  reading: Reading;
  figures: IntakeOffer[];
  questions: OfferRef[];
  /** Set when the CRM asked about an order without naming its offers: the order is read through the CRM client. */
  orderToRead?: OrderRef;
  /** Top-level field names of a well-formed body that matches no known shape (for the warning log). */
  unknownFields?: string[];
}

/** Fields of other callbacks: a body made of them was sent to the wrong endpoint, which is a client error. */
const OTHER_CALLBACKS = new Set(['activity', 'systemUrl']);

/** `offers` and `order` arrive as JSON strings (form) or as values (JSON). */
export function parseJsonField(value: unknown, what: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`is not valid JSON (${what})`);
  }
}

function parseField(value: unknown, field: string, what: string): unknown {
  try {
    return parseJsonField(value, what);
  } catch (e) {
    return { [PARSE_ERROR]: { [field]: (e as Error).message } };
  }
}
const PARSE_ERROR = Symbol('parseError');
const parseErrors = (v: unknown) => (v as { [PARSE_ERROR]?: FieldErrors } | null)?.[PARSE_ERROR];

function readPositiveId(v: unknown): number | undefined | 'bad' {
  if (v === undefined || v === null) return undefined;
  const id = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : 'bad';
}

/** `order`: `{id?, externalId?, number?, site?, items?: [{offer: {id?, externalId?, xmlId?}}]}`. */
export function normalizeOrder(
  input: unknown,
  limits: IntakeLimits,
): { order: OrderRef; questions: OfferRef[] } | { errors: FieldErrors } {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { errors: { order: 'must be an object {id, externalId, number, site, items}' } };
  const bad = hasForbiddenKey(input);
  if (bad) return { errors: { [`order.${bad}`]: 'is not an allowed key' } };
  const o = input as Record<string, unknown>;
  const errors: FieldErrors = {};
  const order: OrderRef = {};
  const id = readPositiveId(o.id);
  if (id === 'bad') errors['order.id'] = 'must be a positive integer';
  else if (id !== undefined) order.id = id;
  for (const key of ['externalId', 'number', 'site'] as const) {
    const v = readId(o[key], limits.maxIdLength, key === 'externalId');
    if (v && typeof v === 'object') errors[`order.${key}`] = v.error;
    else if (v !== undefined) order[key] = v;
  }
  const questions: OfferRef[] = [];
  if (o.items !== undefined && o.items !== null) {
    if (!Array.isArray(o.items)) errors['order.items'] = 'must be a list of {offer}';
    else if (o.items.length > limits.maxOffers) errors['order.items'] = `must have at most ${limits.maxOffers} items`;
    else readItems(o.items, limits, questions, errors);
  }
  return Object.keys(errors).length ? { errors } : { order, questions };
}

function readItems(items: unknown[], limits: IntakeLimits, out: OfferRef[], errors: FieldErrors): void {
  items.forEach((item, i) => {
    const p = `order.items[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) return void (errors[p] = 'must be an object');
    const badKey = hasForbiddenKey(item);
    if (badKey) return void (errors[`${p}.${badKey}`] = 'is not an allowed key');
    const offer = (item as Record<string, unknown>).offer;
    if (offer === undefined || offer === null) return;
    if (typeof offer !== 'object' || Array.isArray(offer)) return void (errors[`${p}.offer`] = 'must be an object');
    const r = normalizeOffers([{ ...offer, stores: undefined }], limits);
    if ('errors' in r)
      for (const [k, v] of Object.entries(r.errors)) errors[k.replace(/^offers\[0\]/, `${p}.offer`)] = v;
    else out.push(refOf(r.offers[0]));
  });
}

export function refOf(o: OfferRef): OfferRef {
  const ref: OfferRef = {};
  if (o.id !== undefined) ref.id = o.id;
  if (o.externalId !== undefined) ref.externalId = o.externalId;
  if (o.xmlId !== undefined) ref.xmlId = o.xmlId;
  if (o.site !== undefined) ref.site = o.site;
  return ref;
}

/**
 * Tell the shapes apart (README: "What the CRM sends and what Stockbridge answers"). Malformed: a field we read
 * (`offers`, `order`) that is not JSON or breaks its rules, a body with nothing to read, or a body of another
 * callback. Well-formed but unknown: other fields only, or an order that names nothing; answered with no offers.
 */
export function readInventoriesCallback(
  body: unknown,
  limits: IntakeLimits,
): InventoriesCallback | { errors: FieldErrors } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: InventoriesCallback = { reading: 'unknown', figures: [], questions: [] };
  if (b.offers !== undefined) {
    const parsed = parseField(b.offers, 'offers', 'a JSON list of offers');
    const r = parseErrors(parsed) ? { errors: parseErrors(parsed)! } : normalizeOffers(parsed, limits);
    if ('errors' in r) return r;
    for (const o of r.offers) {
      if (o.stores.length) out.figures.push(o);
      else out.questions.push(refOf(o));
    }
  }
  if (b.order !== undefined) {
    const parsed = parseField(b.order, 'order', 'a JSON object');
    const r = parseErrors(parsed) ? { errors: parseErrors(parsed)! } : normalizeOrder(parsed, limits);
    if ('errors' in r) return r;
    const named = r.order.id !== undefined || r.order.externalId !== undefined || r.order.number !== undefined;
    out.questions.push(...r.questions);
    if (r.questions.length === 0 && named) out.orderToRead = r.order;
    if (r.questions.length || named) out.reading = 'order-question';
  }
  const other = Object.keys(b).filter((k) => k !== 'clientId' && k !== 'offers' && k !== 'order');
  if (b.offers === undefined && b.order === undefined) {
    if (other.length === 0 || other.some((k) => OTHER_CALLBACKS.has(k)))
      return { errors: { offers: 'is required (or an order): a list of offers, or an order to answer for' } };
    return { ...out, unknownFields: other.slice(0, 20) };
  }
  if (b.offers !== undefined) {
    const kind =
      out.figures.length && out.questions.length ? 'mixed' : out.figures.length ? 'figures' : 'offers-question';
    out.reading = out.reading === 'order-question' ? 'mixed' : kind;
  }
  if (out.reading === 'unknown') out.unknownFields = Object.keys(b).filter((k) => k !== 'clientId');
  return out;
}
