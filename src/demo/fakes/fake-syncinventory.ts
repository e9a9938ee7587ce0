import { startFakeServer, type FakeRequest } from './fake-server';

export interface SiProduct {
  products_id: string;
  productDescription: string;
  SkuCode: string;
  Stock: string;
  Godowns: Array<{ Godown: string; Godownid: string; Stock: string }>;
}

/** ITServer SyncInventory: every number a string, negative stock, errors as `{"status":"error"}` with HTTP 200. */
export async function startFakeSyncInventory(opts: { apiKey: string }) {
  const products: SiProduct[] = [];
  const requests: FakeRequest[] = [];
  let mode: 'ok' | 'error-object' | 'html' | 'garbage' = 'ok';
  // Latency of every answer; 'never' holds the answer until the server closes (a source that never answers).
  let latency: number | 'never' = 0;
  const server = await startFakeServer((req) => {
    requests.push(req);
    if (latency === 'never') return { status: 200, body: [], delayMs: 600_000 };
    if (req.path !== '/admin/indexyii.php' || req.query.get('r') !== 'api/SyncInventory')
      return { status: 404, raw: '<html><body>404 Not Found</body></html>' };
    if (mode === 'html')
      return {
        status: 500,
        raw: '<html><head><title>Error</title></head><body><h1>PHP Fatal error</h1> in index.php</body></html>',
      };
    if (mode === 'garbage') return { status: 200, raw: 'Array(' };
    const auth = req.headers.authorization ?? '';
    const ok =
      auth === `Bearer ${opts.apiKey}` || auth === 'Basic ' + Buffer.from(`admin:${opts.apiKey}`).toString('base64');
    if (!ok || mode === 'error-object') return { status: 200, body: { status: 'error', message: 'Invalid API key.' } };
    const sku = req.query.get('Skucode');
    const godown = req.query.get('Godownid');
    const list = products
      .filter((p) => !sku || p.SkuCode === sku)
      .map((p) => (godown ? { ...p, Godowns: p.Godowns.filter((g) => g.Godownid === godown) } : p));
    return { status: 200, body: list, delayMs: latency || undefined };
  });
  return {
    url: `${server.url}/admin/indexyii.php?r=api/SyncInventory`,
    products,
    requests,
    add(sku: string, godowns: Record<string, number | string>) {
      const gs = Object.entries(godowns).map(([id, q]) => ({ Godown: `Godown ${id}`, Godownid: id, Stock: String(q) }));
      products.push({
        products_id: String(9000 + products.length),
        productDescription: sku,
        SkuCode: sku,
        Stock: `${gs.reduce((a, g) => a + Number(g.Stock), 0)}.0`,
        Godowns: gs,
      });
    },
    set(sku: string, godown: string, q: number) {
      products.find((p) => p.SkuCode === sku)!.Godowns.find((g) => g.Godownid === godown)!.Stock = String(q);
    },
    setMode(m: typeof mode) {
      mode = m;
    },
    setLatency(ms: number | 'never') {
      latency = ms;
    },
    /** Requests that asked about one SkuCode (on-demand lookups). */
    lookupsOf(sku: string) {
      return requests.filter((r) => r.query.get('Skucode') === sku).length;
    },
    close: () => server.close(),
  };
}

export type FakeSyncInventory = Awaited<ReturnType<typeof startFakeSyncInventory>>;
