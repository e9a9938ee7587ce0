import type { FlamixSourceConfig } from '../../config/config-types';
import type { HttpClient } from '../http-client/http-client';
import { buildPath, pathSegmentProblem } from '../http-client/path-segment';
import { createRateLimiter } from '../http-client/rate-limiter';
import {
  getJson,
  peerText,
  sourceQuantity,
  SourceAnswerError,
  type PullSource,
  type Snapshot,
  type SnapshotItem,
  type SourceLookup,
} from '../source-answer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The query every Flamix call carries: the Bitrix24 portal and the module's token. */
const queryOf = (c: Pick<FlamixSourceConfig, 'domain' | 'apiToken'>) =>
  `DOMAIN=${encodeURIComponent(c.domain)}&api_token=${encodeURIComponent(c.apiToken)}`;

/** The one URL of a product's rests: the id is exactly one path segment (`.`/`..` refused by buildPath). */
export function flamixProductUrl(c: Pick<FlamixSourceConfig, 'url' | 'domain' | 'apiToken'>, productId: string) {
  return `${c.url}${buildPath`/api/v1/product/${productId}`}?${queryOf(c)}`;
}

/**
 * Flamix product rests: `{"quantity", "warehouse"}`. `warehouse` may be an object keyed by warehouse id, a list
 * (of numbers, indexed from 1, or of `{id, quantity}` objects), or one number; numbers may be strings. A
 * warehouses map entry "*" takes the product's total `quantity`.
 */
export function parseFlamixProduct(
  body: unknown,
  offer: string,
  warehouses: Readonly<Record<string, string>>,
): { item?: SnapshotItem; warning?: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { warning: `${offer}: Flamix answered no product object` };
  const o = body as { quantity?: unknown; warehouse?: unknown; status?: unknown; message?: unknown };
  if (o.status === 'error') return { warning: `${offer}: Flamix error: ${peerText(o.message ?? 'no message')}` };
  const figures = new Map<string, unknown>();
  const w = o.warehouse;
  if (Array.isArray(w)) {
    w.forEach((x, i) => {
      if (x && typeof x === 'object')
        figures.set(
          peerText((x as Record<string, unknown>).id ?? (x as Record<string, unknown>).warehouse_id ?? i + 1),
          (x as Record<string, unknown>).quantity ?? (x as Record<string, unknown>).amount,
        );
      else figures.set(String(i + 1), x);
    });
  } else if (w && typeof w === 'object') {
    for (const [k, v] of Object.entries(w)) figures.set(k, v);
  } else if (w !== undefined && w !== null) {
    figures.set('*', w);
  }
  if (o.quantity !== undefined && !figures.has('*')) figures.set('*', o.quantity);
  const stores: Record<string, number> = {};
  for (const [id, v] of figures) {
    const code = warehouses[id];
    if (!code) continue;
    const q = sourceQuantity(v);
    if (q === undefined) return { warning: `${offer}: unreadable quantity ${JSON.stringify(v)} for warehouse ${id}` };
    stores[code] = q;
  }
  return Object.keys(stores).length
    ? { item: { key: offer, stores } }
    : { warning: `${offer}: no figures for a mapped warehouse` };
}

/** Optionally asks Flamix to recalculate, then reads every configured product, one request each, within its limit. */
export function createFlamixSource(
  config: FlamixSourceConfig,
  http: HttpClient,
  opts: { sleep?: (ms: number) => Promise<void> } = {},
): PullSource {
  const wait = opts.sleep ?? sleep;
  return {
    name: config.name,
    async pull(progress) {
      if (config.recalculate) {
        progress?.({ phase: 'recalculating', read: 0 });
        const url = `${config.url}/api/v1/recalculate?${queryOf(config)}`;
        const { body } = await getJson(http, url, {}, config.timeoutMs, 'Flamix');
        if ((body as { status?: unknown })?.status !== 'success')
          throw new SourceAnswerError(`Flamix did not start the recalculation: ${JSON.stringify(body).slice(0, 120)}`);
        progress?.({ phase: `waiting ${config.recalculateWaitMs} ms for the recalculation`, read: 0 });
        await wait(config.recalculateWaitMs);
      }
      const limiter = createRateLimiter(config.requestsPerSecond);
      const snap: Snapshot = { items: [], unmapped: [], warnings: [] };
      const products = Object.entries(config.products);
      let read = 0;
      for (const [productId, offer] of products) {
        await limiter.acquire();
        try {
          const { status, body } = await getJson(
            http,
            flamixProductUrl(config, productId),
            {},
            config.timeoutMs,
            'Flamix',
          );
          if (status === 401 || status === 403)
            throw new SourceAnswerError(`Flamix refused the credentials (HTTP ${status}); check domain and apiToken`);
          if (status === 404)
            snap.unmapped.push({ ref: `product ${productId}`, reason: 'Flamix does not know this product' });
          else if (status < 200 || status >= 300) snap.warnings.push(`product ${productId}: HTTP ${status}`);
          else {
            const r = parseFlamixProduct(body, offer, config.warehouses);
            if (r.item) snap.items.push(r.item);
            else snap.warnings.push(r.warning!);
          }
        } catch (e) {
          if (e instanceof SourceAnswerError && /refused the credentials/.test(e.message)) throw e;
          snap.warnings.push(`product ${productId}: ${(e as Error).message}`);
        }
        progress?.({ phase: 'reading', read: ++read, total: products.length });
      }
      return snap;
    },
  };
}

/** One offer: the Bitrix24 product mapped to it, one request within Flamix's rate limit. */
export function createFlamixLookup(config: FlamixSourceConfig, http: HttpClient, timeoutMs: number): SourceLookup {
  const productOf = new Map(Object.entries(config.products).map(([product, offer]) => [offer, product]));
  const limiter = createRateLimiter(config.requestsPerSecond);
  return async (key) => {
    const product = productOf.get(key);
    // A product id that cannot be one path segment names no product there.
    if (product === undefined || pathSegmentProblem(product)) return null;
    await limiter.acquire();
    const { status, body } = await getJson(http, flamixProductUrl(config, product), {}, timeoutMs, 'Flamix');
    if (status === 404) return null;
    if (status < 200 || status >= 300) throw new SourceAnswerError(`Flamix answered HTTP ${status}`);
    const r = parseFlamixProduct(body, key, config.warehouses);
    if (!r.item) throw new SourceAnswerError(r.warning ?? 'Flamix answered no figures');
    return r.item.stores;
  };
}
