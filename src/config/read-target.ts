import type { MerchantProTargetConfig, OfferKey, ShopIdentifier } from './config-types';
import type { ConfigReader } from './config-reader';

/** One push target (today only MerchantPro); undefined when its type is unknown (reported by the reader). */
export function readTarget(r: ConfigReader, raw: unknown, path: string): MerchantProTargetConfig | undefined {
  const t = r.obj(raw, path);
  const type = r.str(t, 'type', path, { oneOf: ['merchantpro'] });
  if (type !== 'merchantpro') {
    r.forget(t);
    return undefined;
  }
  const name = r.str(t, 'name', path);
  if (name && !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
    r.problems.push({
      path: `${path}.name`,
      problem: 'must be 1-64 letters, digits, dot, dash or underscore',
      fix: 'It appears in URLs and metrics; rename it.',
    });
  }
  const whRaw = r.map(r.take(t, 'warehouses'), `${path}.warehouses`);
  const warehouses: Record<string, string> = {};
  for (const [code, shopName] of Object.entries(whRaw)) {
    if (typeof shopName !== 'string' || !shopName) {
      r.problems.push({
        path: `${path}.warehouses.${code}`,
        problem: 'must be the shop warehouse name (a string)',
        fix: 'Map each CRM warehouse code to the shop warehouse name.',
      });
    } else warehouses[code] = shopName;
  }
  if (Object.keys(whRaw).length === 0 && t.warehouses !== undefined) {
    r.problems.push({
      path: `${path}.warehouses`,
      problem: 'maps no warehouse',
      fix: 'Map at least one CRM warehouse code to a shop warehouse name.',
    });
  }
  return Object.freeze({
    name,
    type: 'merchantpro' as const,
    url: r.str(t, 'url', path, { url: true }),
    apiKey: r.str(t, 'apiKey', path, { secret: true }),
    apiSecret: r.str(t, 'apiSecret', path, { secret: true }),
    offerKey: r.str(t, 'offerKey', path, { def: 'externalId', oneOf: ['externalId', 'xmlId', 'id'] }) as OfferKey,
    identifier: r.str(t, 'identifier', path, { def: 'sku', oneOf: ['sku', 'ean', 'id'] }) as ShopIdentifier,
    warehouses: Object.freeze(warehouses),
    multiWarehouse: r.bool(t, 'multiWarehouse', path, false),
    enableInventory: r.bool(t, 'enableInventory', path, false),
    requestsPerSecond: r.num(t, 'requestsPerSecond', path, 4, 0.1, 100_000, false),
    concurrency: r.num(t, 'concurrency', path, 2, 1, 64),
    timeoutMs: r.num(t, 'timeoutMs', path, 10_000, 100, 120_000),
    maxAttempts: r.num(t, 'maxAttempts', path, 20, 1, 1000),
    maxAgeSeconds: r.num(t, 'maxAgeSeconds', path, 86_400, 1, 30 * 86_400),
  });
}
