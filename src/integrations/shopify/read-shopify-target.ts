import type { ShopifyTargetConfig } from '../../config/config-types';
import type { TargetReading } from '../../config/read-target';

/** The Admin API version the requests are written for (changeFromQuantity and @idempotent arrived in 2026-01). */
export const SHOPIFY_API_VERSION = '2026-01';
/** "Input arguments that accept an array have a maximum size of 250." */
export const SHOPIFY_QUANTITIES_PER_CALL = 250;
const REASONS = [
  'correction',
  'cycle_count_available',
  'damaged',
  'other',
  'promotion',
  'received',
  'restock',
  'shrinkage',
];

/** targets[] entry of type shopify: variant SKUs, CRM warehouse → location id, the store's cost budget. */
export function readShopifyTarget({ r, t, path, base }: TargetReading): ShopifyTargetConfig {
  const b = base('shopify', {
    // The cost bucket is the real limit (read from every answer); this only spaces requests.
    requestsPerSecond: 2,
    concurrency: 1,
    warehouses: {
      kind: 'map',
      describe: 'the Shopify location id (gid://shopify/Location/N or N)',
      pattern: /^(gid:\/\/shopify\/Location\/)?\d{1,20}$/,
    },
  });
  const warehouses = Object.fromEntries(
    Object.entries(b.warehouses).map(([code, id]) => [code, /^\d+$/.test(id) ? `gid://shopify/Location/${id}` : id]),
  );
  return {
    ...b,
    warehouses: Object.freeze(warehouses),
    accessToken: r.str(t, 'accessToken', path, { secret: true }),
    apiVersion: r.str(t, 'apiVersion', path, { def: SHOPIFY_API_VERSION }),
    reason: r.str(t, 'reason', path, { def: 'correction', oneOf: REASONS }),
  };
}
