import type { Logger } from 'pino';
import type { RetailCrmTargetConfig } from '../../config/config-types';
import type { PeerClass } from '../http-client/classify-status';
import type { HttpClient } from '../http-client/http-client';
import { createRateLimiter } from '../http-client/rate-limiter';
import { sameForAll, type PushTarget, type WriteResult } from '../push-target';
import { createCrmClient } from './crm-client';
import { CrmError, type CrmErrorKind } from './crm-error';
import type { CrmOfferUpload } from './crm-types';

/** A CRM failure of the whole upload as the worker's class: a wrong url or account pauses, like a redirect. */
const CLASS_OF: Record<CrmErrorKind, PeerClass> = {
  'rate-limited': 'retry',
  server: 'retry',
  timeout: 'retry',
  connection: 'retry',
  auth: 'auth',
  payment: 'auth',
  html: 'redirect',
  'not-found': 'redirect',
  'bad-answer': 'retry',
  refused: 'permanent',
};

/**
 * Another RetailCRM account (or another site of the same one) as a push target: `store/inventories/upload` with
 * at most 250 offers per request, through the CRM client (its envelope, Retry-After and 503 backoff), with a
 * limiter of its own (one key, one budget). Each offer is delivered unless `notFoundOffers` names it.
 */
export function createRetailCrmTarget(config: RetailCrmTargetConfig, http: HttpClient, log: Logger): PushTarget {
  const crm = createCrmClient({
    baseUrl: config.url,
    apiKey: config.apiKey,
    http,
    log,
    limiter: createRateLimiter(config.requestsPerSecond),
    timeoutMs: config.timeoutMs,
    // The worker retries with its own backoff; the client's in-place retries of rate limits are kept short.
    maxRetries: 2,
    batchSize: config.batchSize,
  });
  const key = config.identifier;
  return {
    name: config.name,
    capabilities: {
      maxBatch: config.batchSize,
      identifiedBy: `the offer's ${key} in that CRM's catalogue`,
      locations: 'per-warehouse',
      credentials: 'apiKey (it needs store read/write rights)',
      limits: { requestsPerSecond: config.requestsPerSecond },
    },
    async writeBatch(entries) {
      const started = Date.now();
      const offers: CrmOfferUpload[] = entries.map((e) => ({
        [key]: key === 'id' ? Number(e.item) : e.item,
        stores: e.rows.map((r) => ({ code: config.warehouses[r.warehouse], available: r.quantity })),
      }));
      try {
        const res = await crm.uploadInventories(offers, config.site ? { site: config.site } : {});
        const missing = new Set(res.notFoundOffers.map((o) => String(o[key] ?? '')));
        const durationMs = Date.now() - started;
        return entries.map((e): WriteResult =>
          missing.has(e.item)
            ? {
                outcome: 'not-found',
                status: 200,
                durationMs,
                message: `the CRM has no offer with ${key} "${e.item}" (notFoundOffers)`,
              }
            : { outcome: 'ok', status: 200, durationMs, message: 'ok' },
        );
      } catch (err) {
        if (!(err instanceof CrmError)) throw err;
        return sameForAll(entries, {
          outcome: CLASS_OF[err.kind],
          status: err.httpStatus || null,
          // The client's words name the hub's own CRM settings; here they are this target's.
          message: err.message.replace('crm.apiKey', "the target's apiKey").replace('crm.url', "the target's url"),
          retryAfterMs: err.retryAfterMs,
          durationMs: Date.now() - started,
        });
      }
    },
  };
}
