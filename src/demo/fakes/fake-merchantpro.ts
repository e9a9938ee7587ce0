import { startFakeServer, type FakeRequest, type Reply } from './fake-server';

export interface MpItem {
  id: number;
  sku: string;
  ean: string | null;
  inventory_enabled: 'on' | 'off';
  stock?: number;
  warehouses?: Array<{ id: number; name: string; stock: number }>;
}

export interface AcceptedWrite {
  item: number;
  sku: string;
  body: Record<string, unknown>;
  version: number | null;
  at: number;
}

export interface FakeMerchantProOptions {
  apiKey: string;
  apiSecret: string;
  multiWarehouse?: boolean;
  warehouses?: string[];
  /** The shop's own limit, answered with 429 + Retry-After past it (sliding one-second window). 0 = none. */
  requestsPerSecond?: number;
  /** Bad logins in a row before the shop answers 403 to everything. */
  lockAfter?: number;
}

export type MpFault =
  'down' | 'html' | 'redirect' | 'timeout' | { status: number; retryAfter?: string } | { slowMs: number };

export async function startFakeMerchantPro(opts: FakeMerchantProOptions) {
  const multi = opts.multiWarehouse ?? false;
  const whNames = opts.warehouses ?? ['Depozit central', 'Depozit nord'];
  const items = new Map<number, MpItem>();
  const writes: AcceptedWrite[] = [];
  const requests: FakeRequest[] = [];
  const arrivals: number[] = [];
  const faults: Array<{ left: number; fault: MpFault }> = [];
  let persistent: MpFault | null = null;
  let badLogins = 0;
  let locked = false;
  let too429 = 0;
  const expectedAuth = 'Basic ' + Buffer.from(`${opts.apiKey}:${opts.apiSecret}`).toString('base64');

  const err = (status: number, name: string, message: string, headers?: Record<string, string>): Reply => ({
    status,
    headers,
    body: { error: { name, message } },
  });

  function find(type: string, ident: string): MpItem | undefined {
    for (const it of items.values()) {
      if (
        (type === 'id' && String(it.id) === ident) ||
        (type === 'sku' && it.sku === ident) ||
        (type === 'ean' && it.ean === ident)
      )
        return it;
    }
    return undefined;
  }

  function applyFault(f: MpFault): Reply | 'pass' {
    if (f === 'down') return { status: 0, destroy: true };
    if (f === 'html')
      return { status: 500, raw: '<html><body><h1>500 Internal Server Error</h1><p>nginx</p></body></html>' };
    if (f === 'redirect')
      return { status: 301, headers: { location: 'https://www.example.com/' }, raw: '<html>Moved</html>' };
    if (f === 'timeout') return { status: 200, delayMs: 60_000, body: {} };
    if ('status' in f)
      return err(f.status, 'Fault', `injected ${f.status}`, f.retryAfter ? { 'retry-after': f.retryAfter } : undefined);
    return 'pass';
  }

  async function handle(req: FakeRequest): Promise<Reply> {
    requests.push(req);
    const now = Date.now();
    const fault =
      persistent ??
      (() => {
        const q = faults.find((x) => x.left > 0);
        if (q) {
          q.left--;
          return q.fault;
        }
        return null;
      })();
    if (fault) {
      const r = applyFault(fault);
      if (r !== 'pass') return r;
      await new Promise((res) => setTimeout(res, (fault as { slowMs: number }).slowMs));
    }
    if (locked) return err(403, 'Forbidden', 'Too many failed login attempts');
    if (req.headers.authorization !== expectedAuth) {
      if (++badLogins >= (opts.lockAfter ?? 3)) locked = true;
      return err(401, 'Unauthorized', 'Invalid credentials');
    }
    badLogins = 0;
    if (opts.requestsPerSecond) {
      while (arrivals.length && now - arrivals[0] >= 1000) arrivals.shift();
      if (arrivals.length >= opts.requestsPerSecond) {
        too429++;
        return err(429, 'TooManyRequests', 'Rate limit exceeded', { 'retry-after': '1' });
      }
      arrivals.push(now);
    }
    const m = req.path.match(/^\/api\/v2\/inventory\/(id|sku|ean)\/([^/]+)$/);
    if (req.path === '/api/v2/inventory' && req.method === 'GET') {
      const start = Number(req.query.get('start') ?? 0);
      const limit = Math.min(100, Number(req.query.get('limit') ?? 20));
      const all = [...items.values()].sort((a, b) => a.id - b.id);
      const data = all.slice(start, start + limit);
      const next = start + limit < all.length ? `/api/v2/inventory?start=${start + limit}&limit=${limit}` : null;
      return {
        status: 200,
        body: { data, meta: { count: data.length, start, limit, total: all.length, links: { next } } },
      };
    }
    if (!m) return err(404, 'NotFound', 'Unknown endpoint');
    const item = find(m[1], decodeURIComponent(m[2]));
    if (!item) return err(404, 'NotFound', 'Product not found');
    if (req.method === 'GET') return { status: 200, body: item };
    if (req.method !== 'PATCH') return err(405, 'MethodNotAllowed', 'Method not allowed');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return err(400, 'BadRequest', 'Invalid JSON');
    }
    if (multi && 'stock' in body)
      return err(400, 'ValidationError', 'Stock can only be changed through warehouses (Multi Warehouse is installed)');
    if (!multi && 'warehouses' in body) return err(400, 'ValidationError', 'Multi Warehouse is not installed');
    if (typeof body.stock === 'object' && body.stock !== null)
      return err(400, 'ValidationError', 'relative stock is not expected from Stockbridge');
    const enabled =
      body.inventory_enabled === 'on' || (body.inventory_enabled === undefined && item.inventory_enabled === 'on');
    if (!enabled && ('stock' in body || 'warehouses' in body))
      return err(400, 'ValidationError', 'Inventory is disabled for this product');
    if (body.inventory_enabled === 'on' || body.inventory_enabled === 'off')
      item.inventory_enabled = body.inventory_enabled;
    if (Array.isArray(body.warehouses)) {
      for (const w of body.warehouses as Array<{ name: string; stock: number }>) {
        const wh = item.warehouses!.find((x) => x.name === w.name);
        if (!wh) return err(400, 'ValidationError', `Unknown warehouse ${w.name}`);
        if (!Number.isInteger(w.stock)) return err(400, 'ValidationError', 'stock must be an integer');
        wh.stock = w.stock;
      }
      item.stock = item.warehouses!.reduce((a, w) => a + w.stock, 0);
    } else if ('stock' in body) {
      if (!Number.isInteger(body.stock)) return err(400, 'ValidationError', 'stock must be an integer');
      item.stock = body.stock as number;
    }
    const v = req.headers['x-stockbridge-version'];
    writes.push({ item: item.id, sku: item.sku, body, version: v ? Number(v) : null, at: now });
    return { status: 200, body: item };
  }

  const server = await startFakeServer(handle);
  let nextId = 10_000;
  return {
    url: server.url,
    items,
    writes,
    requests,
    addItem(sku: string, extra: Partial<MpItem> = {}): MpItem {
      const id = nextId++;
      const item: MpItem = {
        id,
        sku,
        ean: null,
        inventory_enabled: 'on',
        stock: 0,
        ...(multi ? { warehouses: whNames.map((name, i) => ({ id: i + 1, name, stock: 0 })) } : {}),
        ...extra,
      };
      items.set(id, item);
      return item;
    },
    bySku(sku: string) {
      return find('sku', sku);
    },
    fail(times: number, fault: MpFault) {
      faults.push({ left: times, fault });
    },
    /** A fault that lasts until `heal()`: the shop is down, slow, or answering errors. */
    setFault(fault: MpFault | null) {
      persistent = fault;
    },
    heal() {
      persistent = null;
      faults.length = 0;
    },
    unlock() {
      locked = false;
      badLogins = 0;
    },
    get locked() {
      return locked;
    },
    get rejected429() {
      return too429;
    },
    close: () => server.close(),
  };
}

export type FakeMerchantPro = Awaited<ReturnType<typeof startFakeMerchantPro>>;
