import { startFakeServer, type FakeRequest, type Reply } from './fake-server';

export interface OzonWrite {
  offer_id: string;
  warehouse_id: number;
  stock: number;
  at: number;
}

export type OzonFault = 'down' | { status: number; retryAfter?: string };

/**
 * Ozon Seller API `/v2/products/stocks` as its method description reads (SHOPS-NOTES 2.3): Client-Id and Api-Key
 * headers, at most 100 pairs per request, per-pair results inside a 200 (`updated`, `errors`), TOO_MANY_REQUESTS
 * for a pair updated again within `pairIntervalMs`, WAREHOUSE_NOT_FOUND, an unknown offer per pair, and the
 * gRPC-style error body for whole-request failures.
 */
export async function startFakeOzon(opts: {
  clientId: string;
  apiKey: string;
  pairIntervalMs?: number;
  warehouses?: number[];
}) {
  const interval = opts.pairIntervalMs ?? 30_000;
  const warehouses = new Set(opts.warehouses ?? [22142605386000, 22142605387000]);
  /** offer_id → warehouse_id → stock. */
  const stock = new Map<string, Map<number, number>>();
  const lastUpdate = new Map<string, number>();
  const writes: OzonWrite[] = [];
  const requests: FakeRequest[] = [];
  const faults: Array<{ left: number; fault: OzonFault }> = [];
  let persistent: OzonFault | null = null;
  let tooSoon = 0;

  const grpc = (status: number, code: number, message: string, headers?: Record<string, string>): Reply => ({
    status,
    headers,
    body: { code, message, details: [] },
  });

  function fault(): Reply | undefined {
    let f = persistent;
    if (!f) {
      const q = faults.find((x) => x.left > 0);
      if (q) {
        q.left--;
        f = q.fault;
      }
    }
    if (!f) return undefined;
    if (f === 'down') return { status: 0, destroy: true };
    if (f.status === 429)
      return grpc(
        429,
        8,
        'You have reached request rate limit per second',
        f.retryAfter ? { 'retry-after': f.retryAfter } : undefined,
      );
    return grpc(f.status, 13, `injected ${f.status}`, f.retryAfter ? { 'retry-after': f.retryAfter } : undefined);
  }

  function handle(req: FakeRequest): Reply {
    requests.push(req);
    const f = fault();
    if (f) return f;
    if (req.headers['client-id'] !== opts.clientId || req.headers['api-key'] !== opts.apiKey)
      return grpc(403, 7, 'Invalid Api-Key, please contact support');
    if (req.path !== '/v2/products/stocks' || req.method !== 'POST') return grpc(404, 5, 'Not Found');
    let body: { stocks?: Array<{ offer_id?: string; product_id?: number; stock?: number; warehouse_id?: number }> };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return grpc(400, 3, 'invalid request payload');
    }
    const stocks = body.stocks ?? [];
    if (stocks.length === 0 || stocks.length > 100)
      return grpc(400, 3, 'stocks: value must contain between 1 and 100 items');
    const result = stocks.map((s) => {
      const offer = String(s.offer_id ?? '');
      const wh = Number(s.warehouse_id);
      const out = {
        warehouse_id: wh,
        product_id: 0,
        offer_id: offer,
        updated: false,
        errors: [] as Array<{ code: string; message: string }>,
      };
      const pair = `${offer}\u0000${wh}`;
      if (!warehouses.has(wh))
        out.errors.push({ code: 'WAREHOUSE_NOT_FOUND', message: `warehouse has wrong id: ${wh}` });
      else if (!stock.has(offer))
        out.errors.push({ code: 'NOT_FOUND', message: `product not found by offer_id ${offer}` });
      else if (!Number.isInteger(s.stock) || (s.stock as number) < 0)
        out.errors.push({ code: 'INVALID_STOCK', message: 'stock must be a non-negative integer' });
      else if (req.at - (lastUpdate.get(pair) ?? -Infinity) < interval) {
        tooSoon++;
        out.errors.push({
          code: 'TOO_MANY_REQUESTS',
          message: 'too many requests for this product and warehouse, try later',
        });
      } else {
        stock.get(offer)!.set(wh, s.stock as number);
        lastUpdate.set(pair, req.at);
        writes.push({ offer_id: offer, warehouse_id: wh, stock: s.stock as number, at: req.at });
        out.updated = true;
      }
      return out;
    });
    return { status: 200, body: { result } };
  }

  const server = await startFakeServer(handle);
  return {
    url: server.url,
    stock,
    writes,
    requests,
    addOffer(offerId: string) {
      stock.set(offerId, new Map());
    },
    /** As if this pair had been updated just now (by another tool, or before a restart of the hub). */
    touch(offerId: string, warehouseId: number) {
      lastUpdate.set(`${offerId}\u0000${warehouseId}`, Date.now());
    },
    fail(times: number, f: OzonFault) {
      faults.push({ left: times, fault: f });
    },
    setFault(f: OzonFault | null) {
      persistent = f;
    },
    heal() {
      persistent = null;
      faults.length = 0;
    },
    get tooSoon() {
      return tooSoon;
    },
    close: () => server.close(),
  };
}

export type FakeOzon = Awaited<ReturnType<typeof startFakeOzon>>;
