import { startFakeServer, type FakeRequest, type Reply } from './fake-server';

/** A fault to answer the next matching request(s) with, instead of the normal answer. */
export type CrmFault =
  | { type: 'status'; status: number; retryAfter?: string; errorMsg?: string }
  | { type: 'refuse'; errorMsg: string; errors?: unknown; status?: number }
  | { type: 'html'; status?: number; text?: string }
  | { type: 'slow'; delayMs: number };

export interface FakeCrmOrder {
  id: number;
  externalId: string;
  site: string;
  shipped?: boolean;
  shipmentStore?: string;
  shipmentDate?: string;
  items?: Array<{ id: number; quantity: number; offer: { id?: number; externalId?: string; xmlId?: string } }>;
}

/** What a call point sends: fields of the inventoriesUpload form (nested values become JSON strings). */
export type CallPointPayload = Record<string, unknown>;

export interface FakeCrm {
  url: string;
  requests: FakeRequest[];
  modules: Map<string, Record<string, unknown>>;
  /** CRM stock: offer key (externalId) → warehouse code → quantity. */
  stock: Map<string, Map<string, number>>;
  /** Offers the CRM knows, by externalId or xmlId (both index the same record). Empty = every offer is known. */
  offers: Map<string, { id: number; externalId: string; xmlId?: string; site: string }>;
  orders: Map<string, FakeCrmOrder>;
  orderEdits: Array<{ ref: string; by: string; site?: string; order: Record<string, unknown>; at: number }>;
  uploads: Array<{ offers: Array<Record<string, unknown>>; site?: string; at: number }>;
  /** Queue faults for requests whose path matches (default: all). */
  fail(times: number, fault: CrmFault, pathPattern?: RegExp): void;
  /** Drop every queued fault (an outage ends). */
  heal(): void;
  /** When set, `order.shipped` is refused as it is when no warehouse module is registered. */
  refuseShipped: boolean;
  /** What `GET /api/credentials` answers for the key (scopes empty: an old-style key, with `methods` instead). */
  access: { scopes: string[]; methods: string[]; sites: string[] };
  /** What `GET /api/system-info` gives (no key needed); `publicUrl` defaults to this fake's own URL. */
  systemInfo: { publicUrl?: string; technicalUrl?: string };
  /** The CRM's warehouses (`GET /api/v5/reference/stores`); `storesForbidden`: the key lacks reference_read. */
  stores: Array<{ code: string; name: string; active?: boolean }>;
  storesForbidden: boolean;
  /** The API keys this CRM accepts (the one it was started with, and any added). */
  apiKeys: Set<string>;
  /** Largest number of requests seen in any sliding 1-second window. */
  maxPerSecond(): number;
  /** An order; `offers` become its items (`items[].offer`). */
  addOrder(
    externalId: string,
    site?: string,
    offers?: Array<{ id?: number; externalId?: string; xmlId?: string }>,
  ): FakeCrmOrder;
  /**
   * Play a call point as the CRM would: POST the inventoriesUpload callback (form encoding, nested values as JSON
   * strings, clientId in the body) to the module's URL, then apply the reply's `offers` to this CRM's stock.
   */
  callPoint(
    url: string,
    clientId: string,
    payload: CallPointPayload,
  ): Promise<{ status: number; reply: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Every scope the module needs (see src/accounts/crm-access.ts). */
export const FAKE_CRM_SCOPES = [
  'integration_read',
  'integration_write',
  'store_read',
  'store_write',
  'order_read',
  'order_write',
];

export async function startFakeCrm(opts: { apiKey: string; maxBatch?: number }): Promise<FakeCrm> {
  const faults: Array<{ left: number; fault: CrmFault; pattern?: RegExp }> = [];
  const maxBatch = opts.maxBatch ?? 250;
  let nextOrderId = 1000;

  const state = {
    requests: [] as FakeRequest[],
    modules: new Map<string, Record<string, unknown>>(),
    stock: new Map<string, Map<string, number>>(),
    offers: new Map<string, { id: number; externalId: string; xmlId?: string; site: string }>(),
    orders: new Map<string, FakeCrmOrder>(),
    orderEdits: [] as FakeCrm['orderEdits'],
    uploads: [] as FakeCrm['uploads'],
    refuseShipped: false,
    access: { scopes: [...FAKE_CRM_SCOPES], methods: [] as string[], sites: ['main-shop'] },
    systemInfo: {} as FakeCrm['systemInfo'],
    apiKeys: new Set([opts.apiKey]),
    stores: [
      { code: 'main', name: 'Main warehouse' },
      { code: 'north', name: 'North warehouse' },
    ] as FakeCrm['stores'],
    storesForbidden: false,
  };

  const ok = (body: Record<string, unknown>): Reply => ({ status: 200, body: { success: true, ...body } });
  const refuse = (status: number, errorMsg: string, errors?: unknown): Reply => ({
    status,
    body: { success: false, errorMsg, ...(errors ? { errors } : {}) },
  });

  function takeFault(path: string): CrmFault | undefined {
    const f = faults.find((x) => x.left > 0 && (!x.pattern || x.pattern.test(path)));
    if (!f) return undefined;
    f.left--;
    return f.fault;
  }

  function form(req: FakeRequest): URLSearchParams {
    return new URLSearchParams(req.body);
  }

  function jsonField(p: URLSearchParams, name: string): unknown {
    const v = p.get(name);
    if (v === null) return undefined;
    try {
      return JSON.parse(v);
    } catch {
      return Symbol.for('invalid');
    }
  }

  async function handle(req: FakeRequest): Promise<Reply> {
    state.requests.push(req);
    const fault = takeFault(req.path);
    if (fault) {
      if (fault.type === 'status')
        return {
          status: fault.status,
          headers: fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
          body: { success: false, errorMsg: fault.errorMsg ?? `HTTP ${fault.status}` },
        };
      if (fault.type === 'refuse') return refuse(fault.status ?? 400, fault.errorMsg, fault.errors);
      if (fault.type === 'html')
        return {
          status: fault.status ?? 200,
          raw: `<!DOCTYPE html><html><body><h1>${fault.text ?? 'Account does not exist.'}</h1></body></html>`,
        };
      if (fault.type === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    }
    if (req.path === '/api/system-info' && req.method === 'GET')
      return ok({
        systemVersion: '8.1.51',
        publicUrl: state.systemInfo.publicUrl ?? server.url,
        technicalUrl: state.systemInfo.technicalUrl ?? server.url,
      });
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !state.apiKeys.has(key)) {
      // The credentials method answers a bad key 403 (the others 401), as the CRM's own client tests show.
      const status = req.path === '/api/credentials' ? 403 : 401;
      return key ? refuse(status, 'Wrong "apiKey" value.') : refuse(status, '"apiKey" is missing.');
    }
    if (req.path === '/api/credentials' && req.method === 'GET')
      return ok({
        scopes: state.access.scopes,
        credentials: state.access.methods,
        siteAccess: 'access_full',
        sitesAvailable: state.access.sites,
      });
    if (req.path === '/api/v5/reference/stores' && req.method === 'GET')
      return state.storesForbidden
        ? refuse(403, 'Access denied')
        : ok({ stores: state.stores.map((s) => ({ type: 'store-type-warehouse', active: true, ...s })) });
    let m: RegExpMatchArray | null;
    if ((m = req.path.match(/^\/api\/v5\/integration-modules\/([^/]+)\/edit$/)) && req.method === 'POST') {
      const mod = jsonField(form(req), 'integrationModule');
      if (!mod || typeof mod !== 'object') return refuse(400, "Parameter 'integrationModule' is missing");
      const code = decodeURIComponent(m[1]);
      state.modules.set(code, { ...mod, code, freeze: false, native: false });
      return ok({ info: {} });
    }
    if ((m = req.path.match(/^\/api\/v5\/integration-modules\/([^/]+)$/)) && req.method === 'GET') {
      const mod = state.modules.get(decodeURIComponent(m[1]));
      return mod ? ok({ integrationModule: mod }) : refuse(404, 'Not found');
    }
    if (req.path === '/api/v5/store/inventories/upload' && req.method === 'POST') {
      const p = form(req);
      const offers = jsonField(p, 'offers');
      if (!Array.isArray(offers) || offers.length === 0) return refuse(400, "Parameter 'offers' is missing");
      if (offers.length > maxBatch) return refuse(400, `Too many offers: at most ${maxBatch} in one request`);
      state.uploads.push({
        offers: offers as Array<Record<string, unknown>>,
        site: p.get('site') ?? undefined,
        at: req.at,
      });
      const notFoundOffers: Array<Record<string, unknown>> = [];
      let processed = 0;
      for (const o of offers as Array<Record<string, unknown>>) {
        const key = String(o.externalId ?? o.xmlId ?? o.id);
        if (state.offers.size && !state.offers.has(key)) {
          notFoundOffers.push({ externalId: o.externalId, xmlId: o.xmlId });
          continue;
        }
        processed++;
        const wh = state.stock.get(key) ?? new Map<string, number>();
        for (const s of (o.stores as Array<{ code: string; available: number }>) ?? [])
          wh.set(s.code, Number(s.available));
        state.stock.set(key, wh);
      }
      return ok({ processedOffersCount: processed, notFoundOffers });
    }
    if (req.path === '/api/v5/store/inventories' && req.method === 'GET') {
      const limit = Number(req.query.get('limit') ?? 20);
      const page = Number(req.query.get('page') ?? 1);
      if (![20, 50, 100, 250].includes(limit))
        return refuse(400, 'Validation error', { limit: 'must be 20, 50, 100 or 250' });
      const details = req.query.get('filter[details]') === '1';
      const keys = [...state.stock.keys()].sort();
      const slice = keys.slice((page - 1) * limit, page * limit);
      const offers = slice.map((k, i) => {
        const wh = state.stock.get(k)!;
        const known = state.offers.get(k);
        return {
          id: known?.id ?? (page - 1) * limit + i + 1,
          externalId: known?.externalId ?? k,
          xmlId: known?.xmlId,
          site: known?.site ?? 'main-shop',
          quantity: [...wh.values()].reduce((a, b) => a + b, 0),
          ...(details ? { stores: [...wh].map(([store, quantity]) => ({ store, quantity })) } : {}),
        };
      });
      return ok({
        pagination: {
          limit,
          totalCount: keys.length,
          currentPage: page,
          totalPageCount: Math.max(1, Math.ceil(keys.length / limit)),
        },
        offers,
      });
    }
    if ((m = req.path.match(/^\/api\/v5\/orders\/([^/]+)$/)) && req.method === 'GET') {
      const ref = decodeURIComponent(m[1]);
      const by = req.query.get('by') ?? 'externalId';
      const found = by === 'id' ? [...state.orders.values()].find((o) => String(o.id) === ref) : state.orders.get(ref);
      if (!found) return refuse(404, 'Not found');
      return ok({ order: { ...found, number: `${found.id}A`, items: found.items ?? [] } });
    }
    if ((m = req.path.match(/^\/api\/v5\/orders\/([^/]+)\/edit$/)) && req.method === 'POST') {
      const p = form(req);
      const ref = decodeURIComponent(m[1]);
      const by = p.get('by') ?? 'externalId';
      const order = jsonField(p, 'order');
      if (!order || typeof order !== 'object') return refuse(400, "Parameter 'order' is missing");
      const found = by === 'id' ? [...state.orders.values()].find((o) => String(o.id) === ref) : state.orders.get(ref);
      if (!found) return refuse(404, 'Not found');
      if (state.refuseShipped && 'shipped' in order) {
        return refuse(400, 'Errors in the entity format', {
          shipped: 'The field is editable only with a registered warehouse system',
        });
      }
      state.orderEdits.push({
        ref,
        by,
        site: p.get('site') ?? undefined,
        order: order as Record<string, unknown>,
        at: req.at,
      });
      Object.assign(found, order);
      return ok({ id: found.id, order: found });
    }
    if (req.path === '/api/v5/notifications/send' && req.method === 'POST') {
      const n = jsonField(form(req), 'notification') as Record<string, unknown> | null;
      if (!n || typeof n.message !== 'string') return refuse(400, "Parameter 'notification' is missing");
      return ok({});
    }
    return refuse(404, 'Not found');
  }

  const server = await startFakeServer(handle);
  return Object.assign(state, {
    url: server.url,
    heal() {
      faults.length = 0;
    },
    fail(times: number, fault: CrmFault, pattern?: RegExp) {
      faults.push({ left: times, fault, pattern });
    },
    addOrder(externalId: string, site = 'main-shop', offers: Array<Record<string, unknown>> = []) {
      const o: FakeCrmOrder = {
        id: nextOrderId++,
        externalId,
        site,
        items: offers.map((offer, i) => ({ id: i + 1, quantity: 1, offer })),
      };
      state.orders.set(externalId, o);
      return o;
    },
    async callPoint(url: string, clientId: string, payload: CallPointPayload) {
      const form = new URLSearchParams({ clientId });
      for (const [k, v] of Object.entries(payload)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      const reply = (await res.json()) as Record<string, unknown>;
      const offers = reply.success === true && Array.isArray(reply.offers) ? reply.offers : [];
      for (const o of offers as Array<Record<string, unknown>>) {
        const key = String(o.externalId ?? o.xmlId ?? o.id);
        const wh = state.stock.get(key) ?? new Map<string, number>();
        for (const st of (o.stores as Array<{ code: string; available: number }>) ?? []) wh.set(st.code, st.available);
        state.stock.set(key, wh);
      }
      return { status: res.status, reply };
    },
    maxPerSecond() {
      const times = state.requests.map((r) => r.at).sort((a, b) => a - b);
      let best = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i] - times[j] >= 1000) j++;
        best = Math.max(best, i - j + 1);
      }
      return best;
    },
    close: () => server.close(),
  });
}
