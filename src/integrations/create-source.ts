import type { MerchantProSourceConfig, SourceConfig } from '../config/config-types';
import { HttpTransportError, type HttpClient } from './http-client/http-client';
import { createRateLimiter } from './http-client/rate-limiter';
import { buildPath } from './http-client/path-segment';
import {
  parseFlamixProduct,
  parseJsonAnswer,
  parseMerchantProPage,
  parseSyncInventory,
  SourceAnswerError,
  type Snapshot,
} from './source-answer';

export interface PullProgress {
  (event: { phase: string; read: number; total?: number }): void;
}

/** A system that can only be read: one snapshot of stock, mapped to CRM offers and warehouse codes. */
export interface PullSource {
  readonly name: string;
  pull(progress?: PullProgress): Promise<Snapshot>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET of a source, its answer parsed as JSON; transport failures become a SourceAnswerError. */
export async function get(
  http: HttpClient,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  what: string,
) {
  let res;
  try {
    res = await http.request({ method: 'GET', url, headers: { Accept: 'application/json', ...headers }, timeoutMs });
  } catch (e) {
    if (e instanceof HttpTransportError) throw new SourceAnswerError(`${what}: ${e.message}`);
    throw e;
  }
  const body = parseJsonAnswer(res.text, res.status, what);
  return { status: res.status, body };
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
  const auth = 'Basic ' + Buffer.from(`${c.apiKey}:${c.apiSecret}`).toString('base64');
  const snap: Snapshot = { items: [], unmapped: [], warnings: [] };
  for (let start = 0, read = 0; ; start += 100) {
    await limiter.acquire();
    const sep = c.listPath.includes('?') ? '&' : '?';
    const { status, body } = await get(
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

export function createSource(
  config: SourceConfig,
  http: HttpClient,
  opts: { sleep?: (ms: number) => Promise<void> } = {},
): PullSource {
  const wait = opts.sleep ?? sleep;
  switch (config.type) {
    case 'syncinventory':
      return {
        name: config.name,
        async pull(progress) {
          const url = new URL(config.url);
          if (config.skuCode) url.searchParams.set('Skucode', config.skuCode);
          if (config.godownId) url.searchParams.set('Godownid', config.godownId);
          const auth =
            config.auth === 'basic'
              ? 'Basic ' + Buffer.from(`admin:${config.apiKey}`).toString('base64')
              : `Bearer ${config.apiKey}`;
          progress?.({ phase: 'requesting the snapshot', read: 0 });
          const { status, body } = await get(
            http,
            url.toString(),
            { Authorization: auth, 'Content-Type': 'application/json' },
            config.timeoutMs,
            'SyncInventory',
          );
          const snap = parseSyncInventory(body, config.warehouses);
          if (status < 200 || status >= 300) throw new SourceAnswerError(`SyncInventory answered HTTP ${status}`);
          progress?.({ phase: 'read', read: snap.items.length });
          return snap;
        },
      };
    case 'flamix':
      return {
        name: config.name,
        async pull(progress) {
          const q = `DOMAIN=${encodeURIComponent(config.domain)}&api_token=${encodeURIComponent(config.apiToken)}`;
          if (config.recalculate) {
            progress?.({ phase: 'recalculating', read: 0 });
            const { body } = await get(http, `${config.url}/api/v1/recalculate?${q}`, {}, config.timeoutMs, 'Flamix');
            if ((body as { status?: unknown })?.status !== 'success')
              throw new SourceAnswerError(
                `Flamix did not start the recalculation: ${JSON.stringify(body).slice(0, 120)}`,
              );
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
              const { status, body } = await get(
                http,
                `${config.url}${buildPath`/api/v1/product/${productId}`}?${q}`,
                {},
                config.timeoutMs,
                'Flamix',
              );
              if (status === 401 || status === 403)
                throw new SourceAnswerError(
                  `Flamix refused the credentials (HTTP ${status}); check domain and apiToken`,
                );
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
    case 'merchantpro':
      return { name: config.name, pull: (progress) => readMerchantProStock(http, config, progress) };
  }
}
