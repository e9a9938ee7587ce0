import type { Logger } from 'pino';
import type { CrmConfig } from '../../config/config-types';
import type { HttpClient } from '../http-client/http-client';
import { createRateLimiter } from '../http-client/rate-limiter';
import { createCrmClient, type CrmClient } from './crm-client';

/** An account's CRM client as its config describes it, with its own 10 requests/s limiter: one per account. */
export function crmClientFor(config: { crm: CrmConfig }, http: HttpClient, log: Logger): CrmClient {
  return createCrmClient({
    baseUrl: config.crm.url,
    apiKey: config.crm.apiKey,
    http,
    log,
    limiter: createRateLimiter(config.crm.requestsPerSecond),
    timeoutMs: config.crm.timeoutMs,
    maxRetries: config.crm.maxRetries,
    batchSize: config.crm.batchSize,
  });
}
