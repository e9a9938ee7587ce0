import type { Logger } from 'pino';
import type { Config } from '../../config/config-types';
import type { HttpClient } from '../http-client/http-client';
import { createRateLimiter } from '../http-client/rate-limiter';
import { createCrmClient, type CrmClient } from './crm-client';

/** The CRM client as the config describes it, with its own 10 requests/s limiter: one per process. */
export function crmClientFor(config: Config, http: HttpClient, log: Logger): CrmClient {
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
