import type { WooCommerceTargetConfig } from '../../config/config-types';
import { classifyStatus, parseRetryAfter, type PeerClass } from '../http-client/classify-status';
import { HttpTransportError, type HttpClient, type HttpResponse } from '../http-client/http-client';
import { basicAuth } from '../http-client/basic-auth';
import { looksLikeHtml, peerMessage } from '../peer-message';
import {
  writeResolvingAgain,
  transportRetry,
  type BatchEntry,
  type LiveFigure,
  type PushTarget,
  type SendContext,
  type WriteResult,
} from '../push-target';
import { wooStockUpdate } from './woocommerce-body';

/** Where an SKU lives in the shop: a product (parentId null) or a variation of product parentId. */
export interface WooRef {
  id: number;
  parentId: number | null;
}

interface WooItemError {
  code?: string;
  message?: string;
  data?: { status?: number };
}

const API = '/wp-json/wc/v3';

/** A per-item error object inside a 200 (`update[i].error`) as an outcome class. */
function itemClass(e: WooItemError): PeerClass {
  const status = Number(e.data?.status ?? 400);
  if (status === 404 || /invalid_id|not_found|no_route/.test(e.code ?? '')) return 'not-found';
  return classifyStatus(status) === 'ok' ? 'permanent' : classifyStatus(status);
}

const describeRef = (r: WooRef) => (r.parentId ? `variation ${r.id} of product ${r.parentId}` : `product ${r.id}`);

/**
 * WooCommerce REST v3. Items are SKUs; the shop wants product or variation ids, looked up in bulk with `?sku=a,b`
 * (which finds both), cached, and looked up again after the shop says an id is gone. Writes go through
 * `products/batch` and `products/{parent}/variations/batch` (at most 100 objects per request), always with
 * `manage_stock: true`. A 200 is read per item: `update[i].error` is that item's outcome, and an item is delivered
 * only when the shop answers it with the quantity sent and stock managed.
 */
export function createWooCommerceTarget(config: WooCommerceTargetConfig, http: HttpClient): PushTarget {
  const basic = basicAuth(config.consumerKey, config.consumerSecret);
  const refs = new Map<string, WooRef>();

  function url(path: string, query: Record<string, string> = {}): string {
    const q = new URLSearchParams(query);
    // Some hosts drop the Authorization header ("Consumer key is missing"): the keys then travel in the query.
    if (config.auth === 'query') {
      q.set('consumer_key', config.consumerKey);
      q.set('consumer_secret', config.consumerSecret);
    }
    const qs = q.toString();
    return config.url + API + path + (qs ? `?${qs}` : '');
  }

  const headers = (): Record<string, string> => ({
    ...(config.auth === 'basic' ? { Authorization: basic } : {}),
    Accept: 'application/json',
    'Content-Type': 'application/json',
  });

  /** A whole request's failure as every item's result; undefined when the answer is a usable JSON 2xx. */
  function requestFailure(res: HttpResponse): WriteResult | undefined {
    const base = {
      status: res.status,
      durationMs: res.durationMs,
      retryAfterMs: parseRetryAfter(res.headers['retry-after']),
    };
    const cls = classifyStatus(res.status);
    if (cls === 'ok' && !looksLikeHtml(res.text)) return undefined;
    if (cls === 'ok') return { ...base, outcome: 'retry', message: peerMessage(res.text, res.status) };
    if (cls === 'redirect')
      return {
        ...base,
        outcome: 'redirect',
        message: `HTTP ${res.status} redirect to ${res.headers.location ?? '?'}: the target url is wrong (check http/https, www and permalinks)`,
      };
    if (res.status === 413)
      return {
        ...base,
        outcome: 'permanent',
        message: `${peerMessage(res.text, res.status)} (lower the target's batchSize)`,
      };
    // 404 for a whole request is a missing REST route (permalinks, a wrong url), not an unknown item.
    if (cls === 'not-found')
      return {
        ...base,
        outcome: 'redirect',
        message: `${peerMessage(res.text, res.status)}: no WooCommerce REST API at the target url`,
      };
    return { ...base, outcome: cls, message: peerMessage(res.text, res.status) };
  }

  /** Look SKUs up (products and variations), page by page; what is found is cached. A failure: the result. */
  async function lookUp(skus: string[], pace: () => Promise<void>): Promise<WriteResult | undefined> {
    const started = Date.now();
    for (let i = 0; i < skus.length; i += 100) {
      const chunk = skus.slice(i, i + 100);
      for (let page = 1; ; page++) {
        await pace();
        let res: HttpResponse;
        try {
          res = await http.request({
            method: 'GET',
            url: url('/products', { sku: chunk.join(','), per_page: '100', page: String(page) }),
            headers: headers(),
            timeoutMs: config.timeoutMs,
          });
        } catch (err) {
          return transportRetry(err, started);
        }
        const failed = requestFailure(res);
        if (failed) return failed;
        let list: Array<{ id?: unknown; sku?: unknown; parent_id?: unknown }>;
        try {
          list = JSON.parse(res.text) as typeof list;
        } catch {
          return {
            outcome: 'retry',
            status: res.status,
            message: 'the product lookup answered something that is not JSON',
            durationMs: res.durationMs,
          };
        }
        if (!Array.isArray(list)) list = [];
        for (const p of list) {
          if (typeof p.sku !== 'string' || typeof p.id !== 'number') continue;
          const parent = Number(p.parent_id ?? 0);
          refs.set(p.sku, { id: p.id, parentId: parent > 0 ? parent : null });
        }
        const pages = Number(res.headers['x-wp-totalpages'] ?? 1);
        if (!(page < pages)) break;
      }
    }
    return undefined;
  }

  /** Send one batch route's updates; per-item outcomes by id. */
  async function sendGroup(
    parentId: number | null,
    group: Array<{ i: number; e: BatchEntry; ref: WooRef }>,
    out: WriteResult[],
  ): Promise<void> {
    const started = Date.now();
    const path = parentId ? `/products/${parentId}/variations/batch` : '/products/batch';
    const updates = group.map((g) => wooStockUpdate(g.ref.id, g.e.rows));
    let res: HttpResponse;
    try {
      res = await http.request({
        method: 'POST',
        url: url(path),
        headers: headers(),
        body: JSON.stringify({ update: updates }),
        timeoutMs: config.timeoutMs,
      });
    } catch (err) {
      const f = transportRetry(err, started);
      for (const g of group) out[g.i] = { ...f };
      return;
    }
    const failed = requestFailure(res);
    if (failed) {
      for (const g of group) out[g.i] = { ...failed };
      return;
    }
    let answered: Array<{ id?: unknown; error?: WooItemError; manage_stock?: unknown; stock_quantity?: unknown }> = [];
    try {
      const body = JSON.parse(res.text) as { update?: typeof answered };
      if (Array.isArray(body.update)) answered = body.update;
    } catch {
      /* read as "no result" below */
    }
    const byId = new Map(answered.map((a) => [Number(a.id), a]));
    for (const [k, g] of group.entries()) {
      // Matched by id; an answer without ids (an error object with id 0) is matched by position.
      const a = byId.get(g.ref.id) ?? (answered[k] && !Number(answered[k].id) ? answered[k] : undefined);
      const base = { status: res.status, durationMs: res.durationMs };
      if (!a) out[g.i] = { ...base, outcome: 'retry', message: 'the shop answered 200 without a result for this item' };
      else if (a.error) {
        const e = a.error;
        out[g.i] = {
          ...base,
          outcome: itemClass(e),
          message: `${e.message ?? 'refused'}${e.code ? ` (${e.code})` : ''}`,
        };
      } else if (a.manage_stock !== true || Number(a.stock_quantity) !== updates[k].stock_quantity)
        out[g.i] = {
          ...base,
          outcome: 'permanent',
          message: `the shop answered 200 but holds ${String(a.stock_quantity)} (manage_stock ${String(a.manage_stock)}), not ${updates[k].stock_quantity}`,
        };
      else out[g.i] = { ...base, outcome: 'ok', message: 'ok' };
    }
  }

  /** Resolve, then write, the entries at `indexes`; fills `out` for each. */
  async function writeSome(
    entries: readonly BatchEntry[],
    indexes: number[],
    out: WriteResult[],
    pace: () => Promise<void>,
  ) {
    const unknown = indexes.filter((i) => !refs.has(entries[i].item));
    const lookable = unknown.filter((i) => !entries[i].item.includes(','));
    for (const i of unknown)
      if (entries[i].item.includes(','))
        out[i] = {
          outcome: 'permanent',
          status: null,
          durationMs: 0,
          message: 'a SKU with a comma cannot be looked up in WooCommerce (?sku= splits on commas)',
        };
    if (lookable.length) {
      const failed = await lookUp(
        lookable.map((i) => entries[i].item),
        pace,
      );
      if (failed) for (const i of lookable) out[i] = { ...failed };
    }
    const groups = new Map<number | null, Array<{ i: number; e: BatchEntry; ref: WooRef }>>();
    for (const i of indexes) {
      if (out[i]) continue;
      const ref = refs.get(entries[i].item);
      if (!ref) {
        out[i] = {
          outcome: 'not-found',
          status: 200,
          durationMs: 0,
          message: `no product or variation in the shop has SKU "${entries[i].item}"`,
        };
        continue;
      }
      const g = groups.get(ref.parentId) ?? [];
      g.push({ i, e: entries[i], ref });
      groups.set(ref.parentId, g);
    }
    for (const [parentId, group] of groups) {
      await pace();
      await sendGroup(parentId, group, out);
    }
  }

  return {
    name: config.name,
    capabilities: {
      maxBatch: config.batchSize,
      identifiedBy: 'SKU (looked up once as a product or variation id with ?sku=, cached)',
      locations: 'summed',
      credentials: 'consumerKey and consumerSecret (a REST API key with Read/Write access)',
      limits: { requestsPerSecond: config.requestsPerSecond },
    },
    shopIdOf: (item) => {
      const r = refs.get(item);
      return r ? describeRef(r) : undefined;
    },
    // An id the shop no longer knows (product deleted and made again, SKU moved): looked up again once and, if it
    // now lives elsewhere, sent there; otherwise it stays "not found" with the shop's own words.
    writeBatch: (entries, ctx: SendContext) =>
      writeResolvingAgain(entries, ctx, refs, writeSome, (entry, said, _again, was) => {
        const now = refs.get(entry.item);
        const after = now
          ? `${describeRef(now)} was refused too`
          : `no product or variation has SKU "${entry.item}" any more`;
        return `${said.message}; ${describeRef(was)} is gone and ${after}`;
      }),
    async read(item): Promise<LiveFigure> {
      try {
        const res = await http.request({
          method: 'GET',
          url: url('/products', { sku: item }),
          headers: headers(),
          timeoutMs: config.timeoutMs,
        });
        if (classifyStatus(res.status) !== 'ok' || looksLikeHtml(res.text))
          return { ok: false, status: res.status, message: peerMessage(res.text, res.status) };
        const list = JSON.parse(res.text) as Array<{ sku?: string; stock_quantity?: unknown; manage_stock?: unknown }>;
        const p = Array.isArray(list) ? list.find((x) => x.sku === item) : undefined;
        if (!p) return { ok: false, status: res.status, message: `no product or variation has SKU "${item}"` };
        return {
          ok: true,
          status: res.status,
          figures: { stock: p.stock_quantity, manage_stock: p.manage_stock },
          message: 'ok',
        };
      } catch (err) {
        if (!(err instanceof HttpTransportError) && !(err instanceof SyntaxError)) throw err;
        return { ok: false, status: null, message: err.message };
      }
    },
  };
}
