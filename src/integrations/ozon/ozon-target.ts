import type { OzonTargetConfig } from '../../config/config-types';
import { classifyStatus, parseRetryAfter, type PeerClass } from '../http-client/classify-status';
import type { HttpClient } from '../http-client/http-client';
import { looksLikeHtml, peerMessage } from '../peer-message';
import { sameForAll, transportRetry, type PushTarget, type WriteResult } from '../push-target';
import { OZON_PAIRS_PER_REQUEST } from './read-ozon-target';

interface OzonPairResult {
  offer_id?: unknown;
  warehouse_id?: unknown;
  updated?: unknown;
  errors?: Array<{ code?: string; message?: string }>;
}

/** A pair's error code as a class: the per-pair interval waits, an unknown product is "not found". */
function pairClass(code: string): PeerClass {
  if (code === 'TOO_MANY_REQUESTS') return 'retry';
  if (/NOT_FOUND/.test(code) && !/WAREHOUSE/.test(code)) return 'not-found';
  return 'permanent';
}

const RANK: Record<PeerClass, number> = { 'not-found': 5, permanent: 4, auth: 3, redirect: 3, retry: 1, ok: 0 };

/**
 * Ozon Seller API `POST /v2/products/stocks`: absolute `stock` per (offer_id, warehouse_id) pair, at most 100 pairs
 * per request. The answer is read per pair (`result[].updated` / `errors`), never from the HTTP status alone; an
 * item is delivered when every pair of it was updated. A pair written again within the per-pair interval is
 * answered TOO_MANY_REQUESTS: that item alone waits the interval (the worker also keeps it, so it rarely happens).
 */
export function createOzonTarget(config: OzonTargetConfig, http: HttpClient): PushTarget {
  const perItem = Math.max(1, Object.keys(config.warehouses).length);
  const intervalMs = config.pairIntervalSeconds * 1000;
  return {
    name: config.name,
    capabilities: {
      maxBatch: Math.max(1, Math.floor(OZON_PAIRS_PER_REQUEST / perItem)),
      identifiedBy: 'offer_id (the seller article)',
      locations: 'per-warehouse',
      credentials: 'clientId and apiKey (a Seller API key)',
      limits: { requestsPerSecond: config.requestsPerSecond, minItemIntervalMs: intervalMs },
    },
    async writeBatch(entries) {
      const started = Date.now();
      // Only offer_id: with both ids Ozon applies offer_id and ignores product_id.
      const stocks = entries.flatMap((e) =>
        e.rows.map((r) => ({
          offer_id: e.item,
          stock: r.quantity,
          warehouse_id: Number(config.warehouses[r.warehouse]),
        })),
      );
      let res;
      try {
        res = await http.request({
          method: 'POST',
          url: config.url + '/v2/products/stocks',
          headers: {
            'Client-Id': config.clientId,
            'Api-Key': config.apiKey,
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          body: JSON.stringify({ stocks }),
          timeoutMs: config.timeoutMs,
        });
      } catch (err) {
        return sameForAll(entries, transportRetry(err, started));
      }
      const base = { status: res.status, durationMs: res.durationMs };
      const cls = classifyStatus(res.status);
      let results: OzonPairResult[] | undefined;
      if (cls === 'ok' && !looksLikeHtml(res.text)) {
        try {
          const body = JSON.parse(res.text) as { result?: unknown };
          if (Array.isArray(body.result)) results = body.result as OzonPairResult[];
        } catch {
          /* read below as no answer */
        }
      }
      if (!results) {
        const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
        // A whole-request 404 is a wrong url (a missing method), not an unknown offer.
        const outcome: PeerClass = cls === 'ok' ? 'retry' : cls === 'not-found' ? 'redirect' : cls;
        const message = cls === 'ok' ? 'Ozon answered without a per-item result' : peerMessage(res.text, res.status);
        return sameForAll(entries, { ...base, outcome, message, retryAfterMs });
      }
      const byPair = new Map(results.map((p) => [`${String(p.offer_id)}\u0000${String(p.warehouse_id)}`, p]));
      return entries.map((e): WriteResult => {
        let worst: PeerClass = 'ok';
        const words: string[] = [];
        for (const r of e.rows) {
          const wh = config.warehouses[r.warehouse];
          const p = byPair.get(`${e.item}\u0000${wh}`);
          let c: PeerClass = 'ok';
          if (!p) {
            c = 'retry';
            words.push(`warehouse ${wh}: no result`);
          } else if (p.updated !== true) {
            const errs = p.errors ?? [];
            c = errs.length ? errs.map((x) => pairClass(x.code ?? '')).sort((a, b) => RANK[b] - RANK[a])[0] : 'retry';
            words.push(
              `warehouse ${wh}: ${errs.map((x) => `${x.message ?? 'not updated'} (${x.code ?? '?'})`).join('; ') || 'not updated'}`,
            );
          }
          if (RANK[c] > RANK[worst]) worst = c;
        }
        if (worst === 'ok') return { ...base, outcome: 'ok', message: 'ok' };
        const tooSoon = words.some((w) => w.includes('TOO_MANY_REQUESTS'));
        return {
          ...base,
          outcome: worst,
          message: words.join('; '),
          ...(tooSoon ? { itemRetryAfterMs: intervalMs } : {}),
        };
      });
    },
  };
}
