import type { CrmClient } from '../integrations/retailcrm/crm-client';
import type { OfferRef, OrderRef } from '../intake/read-inventories-callback';

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * The offers of an order the CRM asked about without naming them: read through the CRM client (its shared
 * 10 requests/s limiter), `by=id` when the id is known, else by externalId. An order known only by number cannot
 * be read this way: no offers.
 */
export async function readOrderOffers(crm: CrmClient, order: OrderRef, site: string): Promise<OfferRef[]> {
  const by = order.id !== undefined ? 'id' : 'externalId';
  const ref = order.id !== undefined ? String(order.id) : order.externalId;
  if (ref === undefined) return [];
  const read = await crm.getOrder(ref, { by, site: order.site ?? site });
  const items = Array.isArray(read.items) ? (read.items as Array<{ offer?: Record<string, unknown> }>) : [];
  const out: OfferRef[] = [];
  for (const item of items) {
    const o = item?.offer;
    if (!o || typeof o !== 'object') continue;
    const ref: OfferRef = {};
    if (typeof o.id === 'number' && Number.isSafeInteger(o.id) && o.id > 0) ref.id = o.id;
    const externalId = str(o.externalId);
    const xmlId = str(o.xmlId);
    if (externalId) ref.externalId = externalId;
    if (xmlId) ref.xmlId = xmlId;
    if (Object.keys(ref).length) out.push(ref);
  }
  return out;
}
