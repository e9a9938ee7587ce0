import type { MerchantProTargetConfig } from '../../config/config-types';
import { classifyStatus, parseRetryAfter } from '../http-client/classify-status';
import { HttpTransportError, type HttpClient } from '../http-client/http-client';
import { UnsafePathSegmentError } from '../http-client/path-segment';
import { merchantProPatch } from './merchantpro-patch';
import { merchantProAuth, merchantProItemPath } from './merchantpro-api';
import { looksLikeHtml, peerMessage } from '../peer-message';
import {
  oneByOne,
  transportRetry,
  type BatchEntry,
  type LiveFigure,
  type PushTarget,
  type WriteResult,
} from '../push-target';

export function createMerchantProTarget(config: MerchantProTargetConfig, http: HttpClient): PushTarget {
  const auth = merchantProAuth(config);
  return {
    name: config.name,
    capabilities: {
      maxBatch: 1,
      identifiedBy: `${config.identifier} (the item's own ${config.identifier} in the URL)`,
      locations: config.multiWarehouse ? 'per-warehouse' : 'summed',
      credentials: 'apiKey and apiSecret (repeated bad logins lock the shop)',
      limits: { requestsPerSecond: config.requestsPerSecond },
    },
    writeBatch: (entries, ctx) => oneByOne(entries, ctx, write),
    async read(item): Promise<LiveFigure> {
      try {
        const res = await http.request({
          method: 'GET',
          url: config.url + merchantProItemPath(config.identifier, item),
          headers: { Authorization: auth, Accept: 'application/json' },
          timeoutMs: config.timeoutMs,
        });
        if (classifyStatus(res.status) !== 'ok' || /^\s*</.test(res.text))
          return { ok: false, status: res.status, message: peerMessage(res.text, res.status) };
        const j = JSON.parse(res.text) as { stock?: unknown; warehouses?: Array<{ name?: unknown; stock?: unknown }> };
        const figures = j.warehouses
          ? { warehouses: Object.fromEntries(j.warehouses.map((w) => [String(w.name), w.stock])) }
          : { stock: j.stock };
        return { ok: true, status: res.status, figures, message: 'ok' };
      } catch (err) {
        if (!(err instanceof HttpTransportError) && !(err instanceof SyntaxError)) throw err;
        return { ok: false, status: null, message: err.message };
      }
    },
  };

  async function write({ item, rows, version }: BatchEntry): Promise<WriteResult> {
    const started = Date.now();
    let path: string;
    try {
      path = merchantProItemPath(config.identifier, item);
    } catch (err) {
      // Stored before intake refused such identifiers: sending would address another resource, and retrying
      // cannot help, so it is a permanent failure (a dead letter with its reason), never a request.
      if (!(err instanceof UnsafePathSegmentError)) throw err;
      return { outcome: 'permanent', status: null, message: err.message, durationMs: 0 };
    }
    try {
      const res = await http.request({
        method: 'PATCH',
        url: config.url + path,
        headers: {
          Authorization: auth,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-Stockbridge-Version': String(version),
        },
        body: JSON.stringify(merchantProPatch(config, rows)),
        timeoutMs: config.timeoutMs,
      });
      let outcome = classifyStatus(res.status);
      let message = outcome === 'ok' ? 'ok' : peerMessage(res.text, res.status);
      if (outcome === 'ok' && looksLikeHtml(res.text)) {
        // A 2xx HTML page is a proxy or maintenance page, not the shop's API: try again later.
        outcome = 'retry';
        message = peerMessage(res.text, res.status);
      }
      if (outcome === 'redirect')
        message =
          `HTTP ${res.status} redirect to ${res.headers.location ?? '?'}: ` +
          'the target url is wrong (check http/https and www)';
      return {
        outcome,
        status: res.status,
        message,
        retryAfterMs: parseRetryAfter(res.headers['retry-after']),
        durationMs: res.durationMs,
      };
    } catch (err) {
      // `held`: not sent, the shop's Retry-After pause is still running; the rest of it holds this item too.
      return transportRetry(err, started);
    }
  }
}
