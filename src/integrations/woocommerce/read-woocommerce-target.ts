import type { WooCommerceTargetConfig } from '../../config/config-types';
import type { TargetReading } from '../../config/read-target';

/** WooCommerce's own cap on objects per batch request (`woocommerce_rest_batch_items_limit`, 413 past it). */
export const WOO_BATCH_LIMIT = 100;

/** targets[] entry of type woocommerce: products and variations by SKU, one stock summed from listed warehouses. */
export function readWooCommerceTarget({ r, t, path, base }: TargetReading): WooCommerceTargetConfig {
  return {
    // No default url: every WooCommerce shop is its own WordPress site.
    ...base('woocommerce', { requestsPerSecond: 5, concurrency: 1, warehouses: { kind: 'sum' } }),
    consumerKey: r.str(t, 'consumerKey', path, { secret: true }),
    consumerSecret: r.str(t, 'consumerSecret', path, { secret: true }),
    auth: r.str(t, 'auth', path, { def: 'basic', oneOf: ['basic', 'query'] }) as 'basic' | 'query',
    batchSize: r.num(t, 'batchSize', path, WOO_BATCH_LIMIT, 1, WOO_BATCH_LIMIT),
  };
}
