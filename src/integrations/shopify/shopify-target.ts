import crypto from 'node:crypto';
import type { ShopifyTargetConfig } from '../../config/config-types';
import { classifyStatus, parseRetryAfter, type PeerClass } from '../http-client/classify-status';
import { HttpTransportError, type HttpClient } from '../http-client/http-client';
import { looksLikeHtml, peerMessage } from '../peer-message';
import {
  writeResolvingAgain,
  transportRetry,
  type BatchEntry,
  type PushTarget,
  type SendContext,
  type WriteResult,
} from '../push-target';
import { SHOPIFY_QUANTITIES_PER_CALL } from './read-shopify-target';

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message?: string; extensions?: { code?: string } }> | string;
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
}

type Call = { ok: true; answer: GqlAnswer; status: number; durationMs: number } | { ok: false; result: WriteResult };

const SET = `mutation SetStock($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;
const SET_BEFORE_2026 = `mutation SetStock($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;
const FIND = `query FindVariants($q: String!) {
  productVariants(first: 250, query: $q) { nodes { sku inventoryItem { id } } }
}`;

/** A userError code as an item's outcome class. */
function userErrorClass(code: string): PeerClass {
  if (code === 'INVALID_INVENTORY_ITEM') return 'not-found';
  if (code.startsWith('IDEMPOTENCY_CONCURRENT')) return 'retry';
  return 'permanent';
}

const PLAIN: Record<string, string> = {
  ITEM_NOT_STOCKED_AT_LOCATION: 'activate the item at that location in the Shopify admin, then retry it',
  INVALID_LOCATION: "check the target's warehouses map (location ids)",
};

/**
 * Shopify Admin GraphQL at a pinned version: `inventorySetQuantities` with `name: "available"` (absolute, the
 * system of record's mutation), up to 250 quantities per call, each send with an idempotency key derived from what
 * it sets (a resend of the same content reuses it). Inventory items are found by variant SKU, cached, and found
 * again after INVALID_INVENTORY_ITEM. userErrors are read per item; a call refused for some items applies none
 * [I], so the others are sent again without them. The cost budget (extensions.cost) is tracked and waited for
 * before each call; a THROTTLED answer holds the target for as long as the bucket needs to refill.
 */
export function createShopifyTarget(config: ShopifyTargetConfig, http: HttpClient): PushTarget {
  const endpoint = `${config.url}/admin/api/${config.apiVersion}/graphql.json`;
  const modern = config.apiVersion >= '2026-01';
  const inventoryItems = new Map<string, string>();
  const perItem = Math.max(1, Object.keys(config.warehouses).length);
  let bucket: (ThrottleStatus & { at: number }) | null = null;
  const lastCost: Record<string, number> = { set: 10, find: 5 };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Wait until the bucket (as last reported, refilled since) holds this call's cost. */
  async function budget(op: string) {
    if (!bucket) return;
    const cost = Math.min(lastCost[op], bucket.maximumAvailable);
    const now = Date.now();
    const have = Math.min(
      bucket.maximumAvailable,
      bucket.currentlyAvailable + (bucket.restoreRate * (now - bucket.at)) / 1000,
    );
    if (have < cost) await sleep(Math.ceil(((cost - have) / bucket.restoreRate) * 1000) + 20);
  }

  async function call(op: 'set' | 'find', query: string, variables: unknown, pace: () => Promise<void>): Promise<Call> {
    await pace();
    await budget(op);
    const started = Date.now();
    let res;
    try {
      res = await http.request({
        method: 'POST',
        url: endpoint,
        headers: {
          'X-Shopify-Access-Token': config.accessToken,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ query, variables }),
        timeoutMs: config.timeoutMs,
      });
    } catch (err) {
      if (!(err instanceof HttpTransportError)) throw err;
      return {
        ok: false,
        result: transportRetry(err, started),
      };
    }
    const base = { status: res.status, durationMs: res.durationMs };
    let answer: GqlAnswer | undefined;
    try {
      answer = looksLikeHtml(res.text) ? undefined : (JSON.parse(res.text) as GqlAnswer);
    } catch {
      answer = undefined;
    }
    const cost = answer?.extensions?.cost;
    if (cost?.throttleStatus) bucket = { ...cost.throttleStatus, at: Date.now() };
    if (typeof cost?.requestedQueryCost === 'number') lastCost[op] = cost.requestedQueryCost;
    const errors = Array.isArray(answer?.errors) ? answer.errors : [];
    const throttled = res.status === 429 || errors.some((e) => e.extensions?.code === 'THROTTLED');
    if (throttled) {
      // Honour the budget: wait what the bucket needs to hold this call again, not a blind backoff.
      const s = cost?.throttleStatus;
      const need = (cost?.requestedQueryCost ?? lastCost[op]) - (s?.currentlyAvailable ?? 0);
      const waitMs = s && s.restoreRate > 0 ? Math.ceil((Math.max(0, need) / s.restoreRate) * 1000) + 20 : undefined;
      return {
        ok: false,
        result: {
          ...base,
          outcome: 'retry',
          message: 'Throttled: the store’s API cost budget is spent',
          retryAfterMs: waitMs ?? parseRetryAfter(res.headers['retry-after']) ?? 1000,
        },
      };
    }
    const cls = classifyStatus(res.status);
    if (cls !== 'ok' || !answer) {
      const outcome: PeerClass = cls === 'ok' ? 'retry' : cls === 'not-found' ? 'redirect' : cls;
      return {
        ok: false,
        result: {
          ...base,
          outcome,
          message: peerMessage(res.text, res.status),
          retryAfterMs: parseRetryAfter(res.headers['retry-after']),
        },
      };
    }
    if (!answer.data && (errors.length || typeof answer.errors === 'string'))
      return { ok: false, result: { ...base, outcome: 'permanent', message: peerMessage(res.text, res.status) } };
    return { ok: true, answer, ...base };
  }

  /** Find inventory items by variant SKU (in chunks; the search is an OR of exact SKUs). */
  async function find(skus: string[], pace: () => Promise<void>): Promise<WriteResult | undefined> {
    for (let i = 0; i < skus.length; i += 50) {
      const chunk = skus.slice(i, i + 50);
      const q = chunk.map((s) => `sku:${JSON.stringify(s)}`).join(' OR ');
      const c = await call('find', FIND, { q }, pace);
      if (!c.ok) return c.result;
      const nodes = ((c.answer.data?.productVariants as { nodes?: unknown[] } | undefined)?.nodes ?? []) as Array<{
        sku?: string;
        inventoryItem?: { id?: string };
      }>;
      for (const n of nodes)
        if (n.sku && chunk.includes(n.sku) && n.inventoryItem?.id && !inventoryItems.has(n.sku))
          inventoryItems.set(n.sku, n.inventoryItem.id);
    }
    return undefined;
  }

  /** One mutation for the entries at `idx` (all resolved); fills `out`; returns those to send again. */
  async function set(
    entries: readonly BatchEntry[],
    idx: number[],
    out: WriteResult[],
    pace: () => Promise<void>,
  ): Promise<number[]> {
    const quantities: Array<{ i: number; q: Record<string, unknown> }> = [];
    for (const i of idx)
      for (const r of entries[i].rows)
        quantities.push({
          i,
          q: {
            inventoryItemId: inventoryItems.get(entries[i].item),
            locationId: config.warehouses[r.warehouse],
            quantity: r.quantity,
            ...(modern ? { changeFromQuantity: null } : {}),
          },
        });
    const input = {
      name: 'available',
      reason: config.reason,
      referenceDocumentUri: `stockbridge://${config.name}/v${Math.max(...idx.map((i) => entries[i].version))}`,
      ...(modern ? {} : { ignoreCompareQuantity: true }),
      quantities: quantities.map((x) => x.q),
    };
    // The same content always gets the same key: a resend after a lost answer is recognised, never applied twice.
    const digest = crypto.createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const key = [
      digest.slice(0, 8),
      digest.slice(8, 12),
      digest.slice(12, 16),
      digest.slice(16, 20),
      digest.slice(20, 32),
    ].join('-');
    const c = await call('set', modern ? SET : SET_BEFORE_2026, modern ? { input, key } : { input }, pace);
    if (!c.ok) {
      for (const i of idx) out[i] = { ...c.result };
      return [];
    }
    const base = { status: c.status, durationMs: c.durationMs };
    const payload = c.answer.data?.inventorySetQuantities as
      | {
          inventoryAdjustmentGroup?: unknown;
          userErrors?: Array<{ code?: string; field?: string[]; message?: string }>;
        }
      | undefined;
    if (!payload) {
      for (const i of idx)
        out[i] = { ...base, outcome: 'retry', message: 'Shopify answered without a result for the mutation' };
      return [];
    }
    const errs = payload.userErrors ?? [];
    for (const e of errs) {
      const at = Number((e.field ?? [])[2]);
      const targets = Number.isInteger(at) && quantities[at] ? [quantities[at].i] : idx;
      for (const i of targets) {
        const code = e.code ?? 'ERROR';
        if (out[i] && out[i].outcome !== 'ok') continue;
        const loc = Number.isInteger(at) && quantities[at] ? ` at ${String(quantities[at].q.locationId)}` : '';
        out[i] = {
          ...base,
          outcome: userErrorClass(code),
          message: `${e.message ?? code}${loc} (${code})${PLAIN[code] ? `: ${PLAIN[code]}` : ''}`,
        };
      }
    }
    const applied = !!payload.inventoryAdjustmentGroup || errs.length === 0;
    const again: number[] = [];
    for (const i of idx) {
      if (out[i]) continue;
      if (applied) out[i] = { ...base, outcome: 'ok', message: 'ok' };
      else again.push(i);
    }
    return again;
  }

  async function writeSome(
    entries: readonly BatchEntry[],
    idx: number[],
    out: WriteResult[],
    pace: () => Promise<void>,
  ) {
    const unknown = idx.filter((i) => !inventoryItems.has(entries[i].item));
    if (unknown.length) {
      const failed = await find(
        unknown.map((i) => entries[i].item),
        pace,
      );
      if (failed) for (const i of unknown) out[i] = { ...failed };
    }
    let ready: number[] = [];
    for (const i of idx) {
      if (out[i]) continue;
      if (inventoryItems.has(entries[i].item)) ready.push(i);
      else
        out[i] = {
          outcome: 'not-found',
          status: 200,
          durationMs: 0,
          message: `no variant in the store has SKU "${entries[i].item}"`,
        };
    }
    // Items that were fine in a call another item spoiled go again without it (once).
    for (let round = 0; ready.length && round < 2; round++) ready = await set(entries, ready, out, pace);
    for (const i of ready)
      out[i] = {
        outcome: 'retry',
        status: 200,
        durationMs: 0,
        message: 'not applied: other items of the same call were refused',
      };
  }

  return {
    name: config.name,
    capabilities: {
      maxBatch: Math.max(1, Math.floor(SHOPIFY_QUANTITIES_PER_CALL / perItem)),
      identifiedBy: 'variant SKU (looked up once as an inventory item id, cached)',
      locations: 'per-warehouse',
      credentials: 'accessToken (an Admin API token with read_inventory and write_inventory)',
      limits: {
        requestsPerSecond: config.requestsPerSecond,
        // The store's restore rate, as its last answer reported it.
        get costPerSecond() {
          return bucket?.restoreRate;
        },
      },
    },
    shopIdOf: (item) => inventoryItems.get(item),
    // An inventory item Shopify no longer knows (variant deleted and made again): found again once.
    writeBatch: (entries, ctx: SendContext) =>
      writeResolvingAgain(
        entries,
        ctx,
        inventoryItems,
        writeSome,
        (_entry, said, again) => `${said.message}; looked up again: ${again.message}`,
      ),
  };
}
