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
  type SourceList,
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

/** The whole list in one GET (narrowed by the config's `skuCode`/`godownId` when set), parsed. */
async function readAll(config: SyncInventorySourceConfig, http: HttpClient, timeoutMs: number): Promise<Snapshot> {
  const url = new URL(config.url);
  if (config.skuCode) url.searchParams.set('Skucode', config.skuCode);
  if (config.godownId) url.searchParams.set('Godownid', config.godownId);
  const { status, body } = await getJson(
    http,
    url.toString(),
    { Authorization: authHeader(config), 'Content-Type': 'application/json' },
    timeoutMs,
    'SyncInventory',
  );
  const snap = parseSyncInventory(body, config.warehouses);
  if (status < 200 || status >= 300) throw new SourceAnswerError(`SyncInventory answered HTTP ${status}`);
  return snap;
}

/** The whole snapshot in one GET (optionally narrowed by `skuCode`/`godownId`). */
export function createSyncInventorySource(config: SyncInventorySourceConfig, http: HttpClient): PullSource {
  return {
    name: config.name,
    async pull(progress) {
      progress?.({ phase: 'requesting the snapshot', read: 0 });
      const snap = await readAll(config, http, config.timeoutMs);
      progress?.({ phase: 'read', read: snap.items.length });
      return snap;
    },
  };
}

/**
 * Every offer at once, for stock questions: without `Skucode` SyncInventory lists everything, so one GET answers
 * any number of questions (the answering side holds it for `answerMaxAgeMs`).
 */
export function createSyncInventoryList(
  config: SyncInventorySourceConfig,
  http: HttpClient,
  timeoutMs: number,
): SourceList {
  return async () => new Map((await readAll(config, http, timeoutMs)).items.map((i) => [i.key, i.stores]));
}
