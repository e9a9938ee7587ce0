import type { SyncInventorySourceConfig } from '../../config/config-types';
import { basicAuth } from '../http-client/basic-auth';
import type { HttpClient } from '../http-client/http-client';
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

/** SyncInventory takes its key as a bearer token, or as Basic auth with the user `admin` (config `auth`). */
function authHeader(c: Pick<SyncInventorySourceConfig, 'auth' | 'apiKey'>): string {
  return c.auth === 'basic' ? basicAuth('admin', c.apiKey) : `Bearer ${c.apiKey}`;
}

/**
 * ITServer SyncInventory: a bare array means success; `{"status": "error", "message"}` is an error whatever the
 * HTTP status.
 */
export function parseSyncInventory(body: unknown, warehouses: Readonly<Record<string, string>>): Snapshot {
  if (!Array.isArray(body)) {
    const o = body as { status?: unknown; message?: unknown } | null;
    if (o && typeof o === 'object' && o.status === 'error')
      throw new SourceAnswerError(`SyncInventory refused: ${peerText(o.message ?? 'no message')}`);
    throw new SourceAnswerError('SyncInventory answered JSON that is not a list of products');
  }
  const snap: Snapshot = { items: [], unmapped: [], warnings: [] };
  const seen = new Map<string, SnapshotItem>();
  for (const raw of body as Array<Record<string, unknown>>) {
    const sku =
      typeof raw?.SkuCode === 'string'
        ? raw.SkuCode.trim()
        : typeof raw?.SkuCode === 'number'
          ? String(raw.SkuCode)
          : '';
    if (!sku) {
      snap.unmapped.push({ ref: `products_id=${peerText(raw?.products_id ?? '?')}`, reason: 'no SkuCode' });
      continue;
    }
    const stores: Record<string, number> = {};
    for (const g of Array.isArray(raw.Godowns) ? (raw.Godowns as Array<Record<string, unknown>>) : []) {
      const code = warehouses[peerText(g?.Godownid ?? '').trim()];
      if (!code) continue;
      const q = sourceQuantity(g.Stock);
      if (q === undefined) {
        snap.warnings.push(`${sku}: unreadable stock ${JSON.stringify(g.Stock)} in godown ${String(g.Godownid)}`);
        continue;
      }
      stores[code] = (stores[code] ?? 0) + q;
    }
    if (Object.keys(stores).length === 0) {
      snap.unmapped.push({ ref: sku, reason: 'no figures for a mapped godown' });
      continue;
    }
    const prev = seen.get(sku);
    if (prev) {
      snap.warnings.push(`${sku}: listed twice; the later entry wins`);
      Object.assign(prev.stores, stores);
      continue;
    }
    const item = { key: sku, stores };
    seen.set(sku, item);
    snap.items.push(item);
  }
  return snap;
}

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

/** The whole snapshot in one GET (optionally narrowed by `skuCode`/`godownId`). */
export function createSyncInventorySource(config: SyncInventorySourceConfig, http: HttpClient): PullSource {
  return {
    name: config.name,
    async pull(progress) {
      const url = new URL(config.url);
      if (config.skuCode) url.searchParams.set('Skucode', config.skuCode);
      if (config.godownId) url.searchParams.set('Godownid', config.godownId);
      progress?.({ phase: 'requesting the snapshot', read: 0 });
      const { status, body } = await getJson(
        http,
        url.toString(),
        { Authorization: authHeader(config), 'Content-Type': 'application/json' },
        config.timeoutMs,
        'SyncInventory',
      );
      const snap = parseSyncInventory(body, config.warehouses);
      if (status < 200 || status >= 300) throw new SourceAnswerError(`SyncInventory answered HTTP ${status}`);
      progress?.({ phase: 'read', read: snap.items.length });
      return snap;
    },
  };
}

/** One offer by `Skucode`; SyncInventory documents no rate limit, so lookups are not spaced. */
export function createSyncInventoryLookup(
  config: SyncInventorySourceConfig,
  http: HttpClient,
  timeoutMs: number,
): SourceLookup {
  const auth = authHeader(config);
  const urlOf = skuUrl(config.url, config.godownId);
  return async (key) => {
    const { status, body } = await getJson(http, urlOf(key), { Authorization: auth }, timeoutMs, 'SyncInventory');
    const snap = parseSyncInventory(body, config.warehouses);
    if (status < 200 || status >= 300) throw new SourceAnswerError(`SyncInventory answered HTTP ${status}`);
    return snap.items.find((i) => i.key === key)?.stores ?? null;
  };
}
