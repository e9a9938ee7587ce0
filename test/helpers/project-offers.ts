import type { TargetConfig } from '../../src/config/config-types';
import type { IntakeOffer } from '../../src/domain/offer-types';
import { formatOfferLabel } from '../../src/domain/offer-label';

/** What each target receives from one callback's offers (the mapping rule, as rows per target). */
export interface Projection {
  rows: Array<{ target: string; item: string; warehouse: string; quantity: number }>;
  unmapped: Array<{ target: string; offerLabel: string; reason: string }>;
}

/**
 * Map one callback's offers onto every target: the item is the value of the target's `offerKey` field, and only
 * warehouses in the target's map count. An offer without that field is recorded as unmapped, never dropped silently.
 */
export function projectOffers(offers: readonly IntakeOffer[], targets: readonly TargetConfig[]): Projection {
  const projection: Projection = { rows: [], unmapped: [] };
  for (const target of targets) {
    for (const offer of offers) {
      const key = offer[target.offerKey];
      const mapped = offer.stores.filter((s) => Object.prototype.hasOwnProperty.call(target.warehouses, s.code));
      if (mapped.length === 0) continue;
      if (key === undefined || key === '') {
        projection.unmapped.push({
          target: target.name,
          offerLabel: formatOfferLabel(offer),
          reason: `offer has no ${target.offerKey} (the target's offerKey)`,
        });
        continue;
      }
      for (const s of mapped)
        projection.rows.push({ target: target.name, item: String(key), warehouse: s.code, quantity: s.available });
    }
  }
  return projection;
}
