/**
 * Pure readers of what the pull sources answer. Shared quantity rule for sources (documented in the README):
 * numbers or numeric strings; negative stock is clamped to 0 (ERPs report oversold stock below zero, and the
 * CRM's availability cannot be negative); fractions are floored; anything unreadable is skipped with a warning.
 */

/** A peer's scalar as text; an object or list (where a scalar was expected) as its JSON, never "[object Object]". */
export function peerText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return v === null || v === undefined ? '' : (JSON.stringify(v) ?? '');
}
export interface SnapshotItem {
  key: string;
  stores: Record<string, number>;
}
export interface Snapshot {
  items: SnapshotItem[];
  unmapped: Array<{ ref: string; reason: string }>;
  warnings: string[];
}

export function sourceQuantity(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) return undefined;
  return n < 0 ? 0 : Math.floor(n);
}

export class SourceAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceAnswerError';
  }
}

function excerpt(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}

/** Parse an HTTP body as JSON; an HTML page or garbage becomes a SourceAnswerError with a short excerpt. */
export function parseJsonAnswer(text: string, status: number, what: string): unknown {
  if (/^\s*</.test(text))
    throw new SourceAnswerError(`${what} answered an HTML page (HTTP ${status}): "${excerpt(text)}"`);
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceAnswerError(`${what} answered something that is not JSON (HTTP ${status}): "${excerpt(text)}"`);
  }
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
