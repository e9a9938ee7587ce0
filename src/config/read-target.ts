import type { OfferKey, TargetBase, TargetConfig, TargetType } from './config-types';
import type { ConfigReader, Section } from './config-reader';
import { TARGET_TYPES, targetTypeNames } from '../integrations/registry';

/** What a type's reader is given: the raw section, its path, and the reader of the fields every target has. */
export interface TargetReading {
  r: ConfigReader;
  t: Section;
  path: string;
  /** The common fields, with this type's defaults (its vendor url, rate, concurrency) and warehouse rule. */
  base: <T extends TargetType>(
    type: T,
    defaults: { url?: string; requestsPerSecond: number; concurrency: number; warehouses: WarehouseRule },
  ) => TargetBase & { type: T };
}

/**
 * How a type maps CRM warehouses: `map` (CRM code → the shop's name or id for it, what `describe` says) or `sum`
 * (a list of CRM codes whose figures are added into one stock; also accepted as a map, whose values are ignored).
 */
export type WarehouseRule = { kind: 'map'; describe: string; pattern?: RegExp } | { kind: 'sum' };

function readWarehouses(r: ConfigReader, t: Section, path: string, rule: WarehouseRule): Record<string, string> {
  const p = `${path}.warehouses`;
  const raw = r.take(t, 'warehouses');
  const warehouses: Record<string, string> = {};
  if (rule.kind === 'sum' && Array.isArray(raw)) {
    raw.forEach((code, i) => {
      if (typeof code !== 'string' || !code)
        r.problems.push({ path: `${p}[${i}]`, problem: 'must be a CRM warehouse code', fix: 'List CRM codes.' });
      else warehouses[code] = code;
    });
  } else {
    const whRaw = r.map(raw, p);
    for (const [code, shopName] of Object.entries(whRaw)) {
      if (rule.kind === 'sum') warehouses[code] = code;
      else if (typeof shopName !== 'string' || !shopName || (rule.pattern && !rule.pattern.test(shopName))) {
        r.problems.push({
          path: `${p}.${code}`,
          problem: `must be ${rule.describe}`,
          fix: `Map each CRM warehouse code to ${rule.describe}.`,
        });
      } else warehouses[code] = shopName;
    }
  }
  if (raw !== undefined && Object.keys(warehouses).length === 0 && !r.problems.some((x) => x.path.startsWith(p))) {
    r.problems.push({
      path: p,
      problem: 'maps no warehouse',
      fix:
        rule.kind === 'sum'
          ? 'List at least one CRM warehouse code whose figures make up the stock.'
          : `Map at least one CRM warehouse code to ${rule.describe}.`,
    });
  }
  return warehouses;
}

/** One push target, read by its type's reader (see integrations/registry.ts); undefined when its type is unknown. */
export function readTarget(r: ConfigReader, raw: unknown, path: string): TargetConfig | undefined {
  const t = r.obj(raw, path);
  const type = r.str(t, 'type', path, { oneOf: targetTypeNames() });
  const entry = Object.prototype.hasOwnProperty.call(TARGET_TYPES, type) ? TARGET_TYPES[type as TargetType] : undefined;
  if (!entry) {
    r.forget(t);
    return undefined;
  }
  const reading: TargetReading = {
    r,
    t,
    path,
    base(typeName, defaults) {
      const name = r.str(t, 'name', path);
      if (name && !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
        r.problems.push({
          path: `${path}.name`,
          problem: 'must be 1-64 letters, digits, dot, dash or underscore',
          fix: 'It appears in URLs and metrics; rename it.',
        });
      }
      return {
        name,
        type: typeName,
        url: r.str(t, 'url', path, { url: true, def: defaults.url }).replace(/\/+$/, ''),
        offerKey: r.str(t, 'offerKey', path, { def: 'externalId', oneOf: ['externalId', 'xmlId', 'id'] }) as OfferKey,
        warehouses: Object.freeze(readWarehouses(r, t, path, defaults.warehouses)),
        requestsPerSecond: r.num(t, 'requestsPerSecond', path, defaults.requestsPerSecond, 0.01, 100_000, false),
        concurrency: r.num(t, 'concurrency', path, defaults.concurrency, 1, 64),
        timeoutMs: r.num(t, 'timeoutMs', path, 10_000, 100, 120_000),
        maxAttempts: r.num(t, 'maxAttempts', path, 20, 1, 1000),
        maxAgeSeconds: r.num(t, 'maxAgeSeconds', path, 86_400, 1, 30 * 86_400),
      };
    },
  };
  return Object.freeze(entry.read(reading));
}
