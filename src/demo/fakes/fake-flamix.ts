import { startFakeServer, type FakeRequest } from './fake-server';

export type FlamixShape = 'object' | 'list' | 'objects' | 'number' | 'strings';

/** Flamix Bitrix24 Inventory: DOMAIN + api_token query auth, a slow recalculation, several `warehouse` shapes. */
export async function startFakeFlamix(opts: { domain: string; apiToken: string }) {
  const products = new Map<string, { quantity: number; warehouses: Record<string, number>; shape: FlamixShape }>();
  const requests: FakeRequest[] = [];
  let recalculations = 0;
  let latency: number | 'never' = 0;
  const server = await startFakeServer((req) => {
    requests.push(req);
    if (latency === 'never') return { status: 200, body: {}, delayMs: 600_000 };
    if (req.query.get('DOMAIN') !== opts.domain || req.query.get('api_token') !== opts.apiToken)
      return { status: 401, body: { message: 'Unauthenticated.' } };
    if (req.path === '/api/v1/recalculate') {
      recalculations++;
      return { status: 200, body: { status: 'success' } };
    }
    const m = req.path.match(/^\/api\/v1\/product\/(\d+)$/);
    const p = m && products.get(m[1]);
    if (!p) return { status: 404, body: { message: 'Not found' } };
    const ids = Object.keys(p.warehouses);
    const warehouse =
      p.shape === 'object'
        ? p.warehouses
        : p.shape === 'strings'
          ? Object.fromEntries(Object.entries(p.warehouses).map(([k, v]) => [k, `${v}.0`]))
          : p.shape === 'list'
            ? ids.sort().map((k) => p.warehouses[k])
            : p.shape === 'objects'
              ? ids.map((k) => ({ id: Number(k), quantity: p.warehouses[k] }))
              : p.quantity;
    return {
      status: 200,
      body: { quantity: p.shape === 'strings' ? String(p.quantity) : p.quantity, warehouse },
      delayMs: latency || undefined,
    };
  });
  return {
    url: server.url,
    requests,
    get recalculations() {
      return recalculations;
    },
    /** Latency of every answer; 'never' holds answers until the server closes. */
    setLatency(ms: number | 'never') {
      latency = ms;
    },
    add(id: string, warehouses: Record<string, number>, shape: FlamixShape = 'object') {
      products.set(id, { quantity: Object.values(warehouses).reduce((a, b) => a + b, 0), warehouses, shape });
    },
    close: () => server.close(),
  };
}

export type FakeFlamix = Awaited<ReturnType<typeof startFakeFlamix>>;
