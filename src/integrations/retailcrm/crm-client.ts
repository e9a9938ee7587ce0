import type { Logger } from 'pino';
import { HttpTransportError, type HttpClient, type HttpResponse } from '../http-client/http-client';
import { backoffDelay, type BackoffPolicy } from '../http-client/backoff';
import { parseRetryAfter } from '../http-client/classify-status';
import { buildPath } from '../http-client/path-segment';
import type { RateLimiter } from '../http-client/rate-limiter';
import { CrmError } from './crm-error';
import type { CrmInventoryOffer, CrmOfferUpload, CrmOrderEdit, IntegrationModule, UploadResult } from './crm-types';
import { DEFAULTS } from '../../compose/defaults';

export interface CrmClientOptions {
  baseUrl: string;
  apiKey: string;
  http: HttpClient;
  log: Logger;
  /** Shared by every caller in the process: one API key has one budget (10 requests/s). */
  limiter: RateLimiter;
  timeoutMs?: number;
  maxRetries?: number;
  backoff?: BackoffPolicy;
  batchSize?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Query = Record<string, string | number | boolean | Array<string | number>>;

/** `GET /api/credentials` (unversioned): what the API key may do. */
export interface CrmCredentials {
  /** The key's scopes (newer keys); empty for an old-style key, which lists `credentials` instead. */
  scopes: string[];
  /** The API methods the key may call (deprecated by the CRM; the only list an old-style key has). */
  credentials: string[];
  siteAccess: string | null;
  sitesAvailable: string[];
}

export interface CrmClient {
  credentials(): Promise<CrmCredentials>;
  /** `GET /api/system-info` (no key needed): the account's public URL and its technical one. */
  systemInfo(): Promise<{ publicUrl: string | null; technicalUrl: string | null }>;
  editModule(code: string, module: IntegrationModule): Promise<Record<string, unknown>>;
  getModule(code: string): Promise<IntegrationModule>;
  getInventories(opts?: {
    page?: number;
    limit?: 20 | 50 | 100 | 250;
    filter?: Record<string, string | number | string[]>;
  }): Promise<{ offers: CrmInventoryOffer[]; totalPageCount: number; currentPage: number; totalCount: number }>;
  iterateInventories(opts?: {
    limit?: 20 | 50 | 100 | 250;
    filter?: Record<string, string | number | string[]>;
  }): AsyncGenerator<CrmInventoryOffer[]>;
  uploadInventories(
    offers: CrmOfferUpload[],
    opts?: { site?: string; onBatch?: (done: number, total: number) => void },
  ): Promise<UploadResult>;
  editOrder(edit: CrmOrderEdit): Promise<Record<string, unknown>>;
  /** `POST /api/v5/notifications/send`: a notice in the CRM's interface to the given user groups. */
  sendNotification(n: { type: 'api.error' | 'api.info'; userGroups: string[]; message: string }): Promise<void>;
  /** `GET /api/v5/orders/{ref}?by=&site=`: the order object (with `items[].offer`); an unknown order is a CrmError. */
  getOrder(ref: string, opts: { by: 'id' | 'externalId'; site?: string }): Promise<Record<string, unknown>>;
  /** `GET /api/v5/reference/stores`: the CRM's warehouses (needs the key's `reference_read`; else a 403). */
  referenceStores(): Promise<Array<{ code: string; name: string; active: boolean }>>;
}

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Form body the CRM's way: plain fields stay plain, nested values travel as JSON strings in one field. */
export function encodeForm(fields: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    // Strings stay plain; objects travel as JSON strings (numbers, booleans and null read the same either way).
    p.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return p.toString();
}

function encodeQuery(query: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) v.forEach((x) => p.append(`${k}[]`, String(x)));
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

function looksLikeHtml(res: HttpResponse): boolean {
  return /^\s*</.test(res.text) || (res.headers['content-type'] ?? '').includes('text/html');
}

function excerpt(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.slice(0, 120);
}

/** Turn an HTTP answer into the CRM's envelope, or one classified CrmError. */
export function readEnvelope(res: HttpResponse, now = Date.now()): Record<string, unknown> {
  if (looksLikeHtml(res)) {
    const text = excerpt(res.text);
    const hint = /account does not exist/i.test(text)
      ? 'Account does not exist: check crm.url'
      : 'the CRM answered an HTML page: check crm.url';
    throw new CrmError(
      res.status === 429 || res.status === 503 ? 'rate-limited' : 'html',
      `${hint} (HTTP ${res.status}: "${text}")`,
      { httpStatus: res.status, retryAfterMs: parseRetryAfter(res.headers['retry-after'], now) },
    );
  }
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(res.text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const errorMsg = typeof body?.errorMsg === 'string' ? body.errorMsg : undefined;
  const errors = body?.errors;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now);
  const detail = errorMsg ? `: ${errorMsg}` : '';
  if (res.status === 429 || res.status === 503)
    throw new CrmError('rate-limited', `CRM rate limit (HTTP ${res.status})${detail}`, {
      httpStatus: res.status,
      errorMsg,
      errors,
      retryAfterMs,
    });
  if (res.status === 401 || res.status === 403)
    throw new CrmError(
      'auth',
      `CRM refused the API key (HTTP ${res.status})${detail}; check crm.apiKey and its permissions`,
      { httpStatus: res.status, errorMsg, errors },
    );
  if (res.status === 402)
    throw new CrmError('payment', `CRM requires payment (HTTP 402)${detail}`, {
      httpStatus: res.status,
      errorMsg,
      errors,
    });
  if (res.status >= 500)
    throw new CrmError('server', `CRM server error (HTTP ${res.status})${detail}`, {
      httpStatus: res.status,
      errorMsg,
      errors,
    });
  if (!body)
    throw new CrmError('bad-answer', `CRM answered HTTP ${res.status} with something that is not a JSON object`, {
      httpStatus: res.status,
    });
  if (res.status === 404)
    throw new CrmError('not-found', `CRM: not found (HTTP 404)${detail}`, { httpStatus: res.status, errorMsg, errors });
  if (body.success !== true || res.status >= 300) {
    throw new CrmError('refused', `CRM refused the request (HTTP ${res.status})${detail || ': no message'}`, {
      httpStatus: res.status,
      errorMsg,
      errors,
    });
  }
  return body;
}

export function createCrmClient(opts: CrmClientOptions): CrmClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const maxRetries = opts.maxRetries ?? 5;
  const backoff = opts.backoff ?? DEFAULTS.crm.backoff;
  const batchSize = Math.min(DEFAULTS.crm.maxUploadBatch, Math.max(1, opts.batchSize ?? DEFAULTS.crm.maxUploadBatch));
  const sleep = opts.sleep ?? sleepReal;

  async function call(
    method: 'GET' | 'POST',
    path: string,
    args: { query?: Query; form?: Record<string, unknown> } = {},
  ): Promise<Record<string, unknown>> {
    const url = base + path + (args.query ? encodeQuery(args.query) : '');
    const body = args.form ? encodeForm(args.form) : undefined;
    const headers: Record<string, string> = { 'X-API-KEY': opts.apiKey, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    for (let attempt = 1; ; attempt++) {
      await opts.limiter.acquire();
      try {
        const res = await opts.http.request({ method, url, headers, body, timeoutMs: opts.timeoutMs });
        opts.log.debug({ method, path, status: res.status, ms: res.durationMs }, 'crm call');
        return readEnvelope(res);
      } catch (err) {
        if (err instanceof HttpTransportError && err.kind === 'held') {
          // Nothing was sent (the CRM's pause is still running): wait it out; it costs no attempt.
          opts.limiter.pauseUntil(Date.now() + (err.retryAfterMs ?? 0));
          attempt--;
          continue;
        }
        const e =
          err instanceof HttpTransportError
            ? new CrmError(err.kind as 'timeout' | 'connection', `CRM ${err.message}`)
            : err;
        if (!(e instanceof CrmError) || e.kind !== 'rate-limited' || attempt > maxRetries) throw e;
        const wait = Math.max(e.retryAfterMs ?? 0, backoffDelay(attempt, backoff));
        // The computed pause holds every CRM call in the process (one key, one budget), not only this one.
        opts.limiter.pauseUntil(Date.now() + wait);
        opts.http.holdUntil(url, Date.now() + wait);
        opts.log.warn({ method, path, status: e.httpStatus, attempt, waitMs: wait }, 'crm rate limited; backing off');
        await sleep(wait);
      }
    }
  }

  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    async credentials() {
      const body = await call('GET', '/api/credentials');
      return {
        scopes: strings(body.scopes),
        credentials: strings(body.credentials),
        siteAccess: typeof body.siteAccess === 'string' ? body.siteAccess : null,
        sitesAvailable: strings(body.sitesAvailable),
      };
    },

    async systemInfo() {
      const body = await call('GET', '/api/system-info');
      const url = (v: unknown) => (typeof v === 'string' && v ? v : null);
      return { publicUrl: url(body.publicUrl), technicalUrl: url(body.technicalUrl) };
    },

    editModule: (code, module) =>
      call('POST', buildPath`/api/v5/integration-modules/${code}/edit`, {
        form: { integrationModule: module },
      }),

    async sendNotification(notification) {
      await call('POST', '/api/v5/notifications/send', { form: { notification } });
    },

    async referenceStores() {
      const body = await call('GET', '/api/v5/reference/stores');
      const list = Array.isArray(body.stores) ? (body.stores as Array<Record<string, unknown>>) : [];
      return list
        .filter((x) => typeof x?.code === 'string' && x.code !== '')
        .map((x) => ({
          code: x.code as string,
          name: typeof x.name === 'string' ? x.name : (x.code as string),
          active: x.active !== false,
        }));
    },

    async getModule(code) {
      const body = await call('GET', buildPath`/api/v5/integration-modules/${code}`);
      return body.integrationModule as IntegrationModule;
    },

    async getInventories({ page = 1, limit = 250, filter = {} } = {}) {
      const query: Query = { page, limit };
      for (const [k, v] of Object.entries(filter)) query[`filter[${k}]`] = v;
      const body = await call('GET', '/api/v5/store/inventories', { query });
      const pg = (body.pagination ?? {}) as Record<string, number>;
      return {
        offers: (Array.isArray(body.offers) ? body.offers : []) as CrmInventoryOffer[],
        totalPageCount: Number(pg.totalPageCount ?? 1),
        currentPage: Number(pg.currentPage ?? page),
        totalCount: Number(pg.totalCount ?? 0),
      };
    },

    async *iterateInventories({ limit = 250, filter = {} } = {}) {
      for (let page = 1; ; page++) {
        const res = await this.getInventories({ page, limit, filter });
        if (res.offers.length) yield res.offers;
        if (page >= res.totalPageCount || res.offers.length === 0) return;
      }
    },

    async uploadInventories(offers, { site, onBatch } = {}) {
      const result: UploadResult = { processedOffersCount: 0, notFoundOffers: [], batches: 0 };
      for (let i = 0; i < offers.length; i += batchSize) {
        const batch = offers.slice(i, i + batchSize);
        const body = await call('POST', '/api/v5/store/inventories/upload', { form: { offers: batch, site } });
        result.batches++;
        result.processedOffersCount += Number(body.processedOffersCount ?? 0);
        if (Array.isArray(body.notFoundOffers))
          result.notFoundOffers.push(...(body.notFoundOffers as UploadResult['notFoundOffers']));
        onBatch?.(Math.min(offers.length, i + batchSize), offers.length);
      }
      return result;
    },

    async editOrder({ ref, by, site, order }) {
      let path: string;
      try {
        path = buildPath`/api/v5/orders/${ref}/edit`;
      } catch (err) {
        // A reference stored before intake refused it: sending would edit another resource. Not retryable.
        throw new CrmError('refused', `order reference ${(err as Error).message}`);
      }
      return call('POST', path, { form: { by, site, order } });
    },

    async getOrder(ref, { by, site }) {
      const query: Query = site ? { by, site } : { by };
      const body = await call('GET', buildPath`/api/v5/orders/${ref}`, { query });
      return (body.order ?? {}) as Record<string, unknown>;
    },
  };
}
