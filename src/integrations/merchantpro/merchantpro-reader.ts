import type { MerchantProSourceConfig } from '../../config/config-types';
import type { HttpClient } from '../http-client/http-client';
import { pathSegmentProblem } from '../http-client/path-segment';
import { createRateLimiter } from '../http-client/rate-limiter';
import {
  getJson,
  peerText,
  sourceQuantity,
  SourceAnswerError,
  type PullProgress,
  type PullSource,
  type Snapshot,
  type SourceLookup,
} from '../source-answer';
import { merchantProAuth, merchantProItemPath } from './merchantpro-api';

/** One page of MerchantPro stock: `{data: [...], meta: {links: {next}}}` or a bare list. */
export function parseMerchantProPage(
  body: unknown,
  identifier: 'sku' | 'ean' | 'id',
  warehouses: Readonly<Record<string, string>>,
): { snap: Snapshot; count: number; next: boolean } {
  const list = Array.isArray(body) ? body : (body as { data?: unknown })?.data;
  if (!Array.isArray(list)) throw new SourceAnswerError('MerchantPro answered a page without a data list');
  const snap: Snapshot = { items: [], unmapped: [], warnings: [] };
  for (const raw of list as Array<Record<string, unknown>>) {
    const key = peerText(raw?.[identifier]);
    if (!key) {
      snap.unmapped.push({ ref: `id=${peerText(raw?.id ?? '?')}`, reason: `no ${identifier}` });
      continue;
    }
    if (raw.inventory_enabled === 'off') continue;
    const stores: Record<string, number> = {};
    for (const wh of Array.isArray(raw.warehouses) ? (raw.warehouses as Array<Record<string, unknown>>) : []) {
      const code = warehouses[peerText(wh?.name ?? '')];
      const q = sourceQuantity(wh?.stock);
      if (code && q !== undefined) stores[code] = q;
    }
    if (warehouses['*'] && raw.stock !== undefined) {
      const q = sourceQuantity(raw.stock);
      if (q !== undefined) stores[warehouses['*']] = q;
    }
    if (Object.keys(stores).length) snap.items.push({ key, stores });
  }
  const meta = (body as { meta?: { links?: { next?: unknown } } })?.meta;
  return { snap, count: list.length, next: Boolean(meta?.links?.next) };
}

/** Read a MerchantPro shop's stock page by page (start/limit ≤ 100), within its rate limit. Shared with reconcile. */
export async function readMerchantProStock(
  http: HttpClient,
  c: Pick<
    MerchantProSourceConfig,
    'url' | 'apiKey' | 'apiSecret' | 'identifier' | 'requestsPerSecond' | 'listPath' | 'timeoutMs' | 'warehouses'
  >,
  progress?: PullProgress,
): Promise<Snapshot> {
  const limiter = createRateLimiter(c.requestsPerSecond);
  const auth = merchantProAuth(c);
  const snap: Snapshot = { items: [], unmapped: [], warnings: [] };
  for (let start = 0, read = 0; ; start += 100) {
    await limiter.acquire();
    const sep = c.listPath.includes('?') ? '&' : '?';
    const { status, body } = await getJson(
      http,
      `${c.url}${c.listPath}${sep}start=${start}&limit=100`,
      { Authorization: auth },
      c.timeoutMs,
      'MerchantPro',
    );
    if (status === 401 || status === 403)
      throw new SourceAnswerError(
        `MerchantPro refused the credentials (HTTP ${status}); check apiKey and apiSecret before trying again ` +
          '(repeated bad logins lock the shop)',
      );
    if (status === 429) {
      limiter.pauseUntil(Date.now() + 1000);
      start -= 100;
      continue;
    }
    if (status < 200 || status >= 300)
      throw new SourceAnswerError(`MerchantPro answered HTTP ${status} for its stock list`);
    const page = parseMerchantProPage(body, c.identifier, c.warehouses);
    snap.items.push(...page.snap.items);
    snap.unmapped.push(...page.snap.unmapped);
    read += page.count;
    progress?.({ phase: 'reading', read });
    if (page.count < 100 || !page.next) return snap;
  }
}

/** A MerchantPro shop read as a source: its whole stock list. */
export function createMerchantProSource(config: MerchantProSourceConfig, http: HttpClient): PullSource {
  return { name: config.name, pull: (progress) => readMerchantProStock(http, config, progress) };
}

/** One item by its identifier, within the shop's rate limit (a 429 holds the next lookups for a second). */
export function createMerchantProLookup(
  config: MerchantProSourceConfig,
  http: HttpClient,
  timeout: number,
): SourceLookup {
  const limiter = createRateLimiter(config.requestsPerSecond);
  const auth = merchantProAuth(config);
  return async (key) => {
    // A value that cannot be one path segment (intake refuses these as well) names no item there.
    if (pathSegmentProblem(key)) return null;
    await limiter.acquire();
    const url = config.url + merchantProItemPath(config.identifier, key);
    const { status, body } = await getJson(http, url, { Authorization: auth }, timeout, 'MerchantPro');
    if (status === 404) return null;
    if (status === 429) limiter.pauseUntil(Date.now() + 1000);
    if (status < 200 || status >= 300) throw new SourceAnswerError(`MerchantPro answered HTTP ${status}`);
    const item = parseMerchantProPage([body], config.identifier, config.warehouses).snap.items[0];
    return item && item.key === key ? item.stores : null;
  };
}
