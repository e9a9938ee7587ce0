import type { OfferKey } from '../config/config-types';
import type { CrmOfferUpload } from '../integrations/retailcrm/crm-types';
import type { SnapshotItem } from '../integrations/source-answer';

/**
 * What to upload: per offer, only the warehouses whose figure differs from what was last uploaded for this
 * source (the CRM keeps the others). A second identical pull therefore uploads nothing.
 */
export function diffSnapshot(
  items: readonly SnapshotItem[],
  last: ReadonlyMap<string, ReadonlyMap<string, number>>,
  offerKey: OfferKey,
): { uploads: CrmOfferUpload[]; unchanged: number } {
  const uploads: CrmOfferUpload[] = [];
  let unchanged = 0;
  for (const item of items) {
    const before = last.get(item.key);
    const stores = Object.entries(item.stores)
      .filter(([code, q]) => before?.get(code) !== q)
      .map(([code, available]) => ({ code, available }));
    if (stores.length === 0) {
      unchanged++;
      continue;
    }
    if (offerKey === 'id') {
      const id = Number(item.key);
      if (!Number.isSafeInteger(id) || id <= 0) continue;
      uploads.push({ id, stores });
    } else uploads.push({ [offerKey]: item.key, stores });
  }
  return { uploads, unchanged };
}

export function uploadKey(o: CrmOfferUpload, offerKey: OfferKey): string {
  return String(offerKey === 'id' ? o.id : o[offerKey]);
}
