import type { OfferKey, RetailCrmTargetConfig } from '../../config/config-types';
import type { TargetReading } from '../../config/read-target';
import { DEFAULTS } from '../../compose/defaults';

/** targets[] entry of type retailcrm: another CRM account (or site), CRM warehouse → that CRM's store code. */
export function readRetailCrmTarget({ r, t, path, base }: TargetReading): RetailCrmTargetConfig {
  const b = base('retailcrm', {
    // One API key has about 10 requests/s (the CRM answers 503/429 past it).
    requestsPerSecond: 10,
    concurrency: 1,
    warehouses: { kind: 'map', describe: "that CRM's warehouse (store) code", pattern: /^[A-Za-z0-9_.-]{1,64}$/ },
  });
  return {
    ...b,
    apiKey: r.str(t, 'apiKey', path, { secret: true }),
    site: r.str(t, 'site', path, { def: '' }),
    identifier: r.str(t, 'identifier', path, { def: b.offerKey, oneOf: ['externalId', 'xmlId', 'id'] }) as OfferKey,
    batchSize: r.num(t, 'batchSize', path, DEFAULTS.crm.maxUploadBatch, 1, DEFAULTS.crm.maxUploadBatch),
  };
}
