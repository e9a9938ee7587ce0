import type { MerchantProTargetConfig, ShopIdentifier } from '../../config/config-types';
import type { TargetReading } from '../../config/read-target';

/** targets[] entry of type merchantpro: one item per PATCH, by sku/ean/id, per warehouse name or one summed stock. */
export function readMerchantProTarget({ r, t, path, base }: TargetReading): MerchantProTargetConfig {
  return {
    ...base('merchantpro', {
      requestsPerSecond: 4,
      concurrency: 2,
      warehouses: { kind: 'map', describe: 'the shop warehouse name (a string)' },
    }),
    apiKey: r.str(t, 'apiKey', path, { secret: true }),
    apiSecret: r.str(t, 'apiSecret', path, { secret: true }),
    identifier: r.str(t, 'identifier', path, { def: 'sku', oneOf: ['sku', 'ean', 'id'] }) as ShopIdentifier,
    multiWarehouse: r.bool(t, 'multiWarehouse', path, false),
    enableInventory: r.bool(t, 'enableInventory', path, false),
  };
}
