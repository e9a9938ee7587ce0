import type { OzonTargetConfig } from '../../config/config-types';
import type { TargetReading } from '../../config/read-target';

export const OZON_URL = 'https://api-seller.ozon.ru';
/** Item-warehouse pairs one `/v2/products/stocks` request may carry. */
export const OZON_PAIRS_PER_REQUEST = 100;

/** targets[] entry of type ozon: offer_id items, CRM warehouse → Ozon warehouse_id, the method's own limits. */
export function readOzonTarget({ r, t, path, base }: TargetReading): OzonTargetConfig {
  return {
    // "One seller account can send up to 80 requests per minute" to this method.
    ...base('ozon', {
      url: OZON_URL,
      requestsPerSecond: 80 / 60,
      concurrency: 1,
      warehouses: {
        kind: 'map',
        describe: 'the Ozon warehouse_id (digits, from /v1/warehouse/list)',
        pattern: /^\d{1,16}$/,
      },
    }),
    clientId: r.str(t, 'clientId', path, { secret: true }),
    apiKey: r.str(t, 'apiKey', path, { secret: true }),
    // Ozon's description says once per 30 s per pair; an older copy said 2 minutes: configurable.
    pairIntervalSeconds: r.num(t, 'pairIntervalSeconds', path, 30, 0, 3600, false),
  };
}
