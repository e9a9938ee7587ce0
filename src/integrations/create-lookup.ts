import type { SourceConfig } from '../config/config-types';
import type { HttpClient } from './http-client/http-client';
import { createRateLimiter, type RateLimiter } from './http-client/rate-limiter';
import { get } from './create-source';
import { parseFlamixProduct, parseMerchantProPage, parseSyncInventory, SourceAnswerError } from './source-answer';
import { buildPath, pathSegmentProblem } from './http-client/path-segment';

/**
 * Ask a source about one offer (its `offerKey` value): CRM warehouse code → quantity, `null` when the source does
 * not know the offer, a thrown error when it could not answer. Quantities follow the sync rules (parse-sources).
 */
export type SourceLookup = (key: string) => Promise<Record<string, number> | null>;

const MARK = 'SKUCODE0MARK';
/** What URLSearchParams writes for a value (application/x-www-form-urlencoded), for the characters it can hold. */
const formValue = (v: string) =>
  encodeURIComponent(v)
    .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');

/**
 * The lookup URL for one Skucode, exactly as `new URL(base)` + `searchParams.set('Skucode', key)` (+ Godownid)
 * writes it, without parsing the base URL again per lookup: the URL is built once around a marker.
 */
export function skuUrl(base: string, godownId?: string): (key: string) => string {
  const slow = (key: string) => {
    const url = new URL(base);
    url.searchParams.set('Skucode', key);
    if (godownId) url.searchParams.set('Godownid', godownId);
    return url.toString();
  };
  const template = slow(MARK);
  const at = template.indexOf(MARK);
  if (at < 0 || template.indexOf(MARK, at + 1) >= 0) return slow;
  const head = template.slice(0, at);
  const tail = template.slice(at + MARK.length);
  return (key) => {
    try {
      return head + formValue(key) + tail;
    } catch {
      return slow(key); // a lone surrogate: URLSearchParams writes U+FFFD, encodeURIComponent throws
    }
  };
}

/**
 * One lookup function per configured source, with the source's own rate limit (Flamix and MerchantPro have one;
 * SyncInventory documents none, so its lookups are not spaced). `timeoutMs` bounds each request.
 */
export function createLookup(config: SourceConfig, http: HttpClient, timeoutMs: number): SourceLookup {
  const timeout = Math.min(config.timeoutMs, timeoutMs);
  switch (config.type) {
    case 'syncinventory': {
      const auth =
        config.auth === 'basic'
          ? 'Basic ' + Buffer.from(`admin:${config.apiKey}`).toString('base64')
          : `Bearer ${config.apiKey}`;
      const urlOf = skuUrl(config.url, config.godownId);
      return async (key) => {
        const { status, body } = await get(http, urlOf(key), { Authorization: auth }, timeout, 'SyncInventory');
        const snap = parseSyncInventory(body, config.warehouses);
        if (status < 200 || status >= 300) throw new SourceAnswerError(`SyncInventory answered HTTP ${status}`);
        return snap.items.find((i) => i.key === key)?.stores ?? null;
      };
    }
    case 'flamix': {
      const productOf = new Map(Object.entries(config.products).map(([product, offer]) => [offer, product]));
      const limiter = createRateLimiter(config.requestsPerSecond);
      const q = `DOMAIN=${encodeURIComponent(config.domain)}&api_token=${encodeURIComponent(config.apiToken)}`;
      return async (key) => {
        const product = productOf.get(key);
        if (product === undefined) return null;
        await limiter.acquire();
        const url = `${config.url}/api/v1/product/${encodeURIComponent(product)}?${q}`;
        const { status, body } = await get(http, url, {}, timeout, 'Flamix');
        if (status === 404) return null;
        if (status < 200 || status >= 300) throw new SourceAnswerError(`Flamix answered HTTP ${status}`);
        const r = parseFlamixProduct(body, key, config.warehouses);
        if (!r.item) throw new SourceAnswerError(r.warning ?? 'Flamix answered no figures');
        return r.item.stores;
      };
    }
    case 'merchantpro':
      return merchantProLookup(config, http, timeout, createRateLimiter(config.requestsPerSecond));
  }
}

function merchantProLookup(
  config: Extract<SourceConfig, { type: 'merchantpro' }>,
  http: HttpClient,
  timeout: number,
  limiter: RateLimiter,
): SourceLookup {
  const auth = 'Basic ' + Buffer.from(`${config.apiKey}:${config.apiSecret}`).toString('base64');
  return async (key) => {
    // A value that cannot be one path segment (intake refuses these as well) names no item there.
    if (pathSegmentProblem(key)) return null;
    await limiter.acquire();
    const url = config.url + buildPath`/api/v2/inventory/${config.identifier}/${key}`;
    const { status, body } = await get(http, url, { Authorization: auth }, timeout, 'MerchantPro');
    if (status === 404) return null;
    if (status === 429) limiter.pauseUntil(Date.now() + 1000);
    if (status < 200 || status >= 300) throw new SourceAnswerError(`MerchantPro answered HTTP ${status}`);
    const item = parseMerchantProPage([body], config.identifier, config.warehouses).snap.items[0];
    return item && item.key === key ? item.stores : null;
  };
}
