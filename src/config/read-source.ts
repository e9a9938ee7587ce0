import fs from 'node:fs';
import path from 'node:path';
import type { OfferKey, ShopIdentifier, SourceConfig } from './config-types';
import type { ConfigReader, Section } from './config-reader';

function readCsvProducts(file: string, baseDir: string, r: ConfigReader, p: string): Record<string, string> {
  const out: Record<string, string> = {};
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(baseDir, file), 'utf8');
  } catch {
    r.problems.push({
      path: p,
      problem: `file ${file} cannot be read`,
      fix: 'Give a CSV with lines "bitrixProductId,offerValue" (a header line is allowed).',
    });
    return out;
  }
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const [id, value] = t.split(/[,;]/).map((x) => x.trim().replace(/^"|"$/g, ''));
    if (i === 0 && !/^\d+$/.test(id ?? '')) return; // header
    if (!id || !/^\d+$/.test(id) || !value)
      r.problems.push({
        path: `${p} line ${i + 1}`,
        problem: 'is not "productId,offerValue"',
        fix: 'Fix that line of the CSV.',
      });
    else out[id] = value;
  });
  return out;
}

/** A source's warehouse map: source warehouse → CRM warehouse code. */
function readSourceWarehouses(r: ConfigReader, s: Section, p: string): Record<string, string> {
  const whRaw = r.map(r.take(s, 'warehouses'), `${p}.warehouses`);
  const warehouses: Record<string, string> = {};
  for (const [k, v] of Object.entries(whRaw)) {
    if (typeof v !== 'string' || !v)
      r.problems.push({
        path: `${p}.warehouses.${k}`,
        problem: 'must be a CRM warehouse code',
        fix: 'Map each source warehouse to a CRM warehouse code.',
      });
    else warehouses[k] = v;
  }
  return warehouses;
}

/** Flamix's products (Bitrix24 product id → offer value), from `products` and then `productsCsv`. */
function readFlamixProducts(r: ConfigReader, s: Section, p: string, baseDir: string): Record<string, string> {
  const products: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.map(r.take(s, 'products'), `${p}.products`, false))) {
    if (!/^\d+$/.test(k) || typeof v !== 'string' || !v)
      r.problems.push({
        path: `${p}.products.${k}`,
        problem: 'must map a numeric Bitrix24 product id to an offer value',
        fix: 'Write "123": "SKU-1".',
      });
    else products[k] = v;
  }
  if (r.take(s, 'productsCsv') !== undefined)
    Object.assign(products, readCsvProducts(r.str(s, 'productsCsv', p), baseDir, r, `${p}.productsCsv`));
  if (Object.keys(products).length === 0)
    r.problems.push({
      path: `${p}.products`,
      problem: 'maps no product',
      fix: 'Flamix has no list endpoint: map Bitrix24 product ids in products or productsCsv.',
    });
  return products;
}

export function readSource(r: ConfigReader, raw: unknown, p: string, baseDir: string): SourceConfig | undefined {
  const s = r.obj(raw, p);
  const type = r.str(s, 'type', p, { oneOf: ['syncinventory', 'flamix', 'merchantpro'] });
  const name = r.str(s, 'name', p);
  if (name && !/^[A-Za-z0-9_.-]{1,64}$/.test(name))
    r.problems.push({
      path: `${p}.name`,
      problem: 'must be 1-64 letters, digits, dot, dash or underscore',
      fix: 'Rename it.',
    });
  const base = {
    name,
    warehouses: Object.freeze(readSourceWarehouses(r, s, p)),
    offerKey: r.str(s, 'offerKey', p, { def: 'externalId', oneOf: ['externalId', 'xmlId', 'id'] }) as OfferKey,
    everySeconds: r.num(s, 'everySeconds', p, 0, 0, 7 * 86_400),
    timeoutMs: r.num(s, 'timeoutMs', p, 60_000, 100, 600_000),
  };
  if (type === 'syncinventory') {
    return Object.freeze({
      ...base,
      type,
      url: r.str(s, 'url', p, { url: true }),
      apiKey: r.str(s, 'apiKey', p, { secret: true }),
      auth: r.str(s, 'auth', p, { def: 'bearer', oneOf: ['bearer', 'basic'] }) as 'bearer' | 'basic',
      skuCode: r.take(s, 'skuCode') === undefined ? undefined : r.str(s, 'skuCode', p),
      godownId: r.take(s, 'godownId') === undefined ? undefined : r.str(s, 'godownId', p),
    });
  }
  if (type === 'flamix') {
    const products = readFlamixProducts(r, s, p, baseDir);
    return Object.freeze({
      ...base,
      type,
      url: r.str(s, 'url', p, { def: 'https://inventory-pay.app.flamix.solutions', url: true }),
      domain: r.str(s, 'domain', p),
      apiToken: r.str(s, 'apiToken', p, { secret: true }),
      recalculate: r.bool(s, 'recalculate', p, false),
      recalculateWaitMs: r.num(s, 'recalculateWaitMs', p, 60_000, 0, 3_600_000),
      requestsPerSecond: r.num(s, 'requestsPerSecond', p, 2, 0.1, 100, false),
      products: Object.freeze(products),
    });
  }
  if (type === 'merchantpro') {
    return Object.freeze({
      ...base,
      type,
      url: r.str(s, 'url', p, { url: true }),
      apiKey: r.str(s, 'apiKey', p, { secret: true }),
      apiSecret: r.str(s, 'apiSecret', p, { secret: true }),
      identifier: r.str(s, 'identifier', p, { def: 'sku', oneOf: ['sku', 'ean', 'id'] }) as ShopIdentifier,
      requestsPerSecond: r.num(s, 'requestsPerSecond', p, 4, 0.1, 1000, false),
      listPath: r.str(s, 'listPath', p, { def: '/api/v2/inventory' }),
    });
  }
  r.forget(s);
  return undefined;
}
