import { startFakeServer, type FakeRequest, type Reply } from './fake-server';

export interface WooProduct {
  id: number;
  sku: string;
  type: 'simple' | 'variable' | 'variation';
  parent_id: number;
  manage_stock: boolean;
  stock_quantity: number | null;
  stock_status: 'instock' | 'outofstock' | 'onbackorder';
}

export interface WooWrite {
  id: number;
  sku: string;
  route: string;
  body: Record<string, unknown>;
  at: number;
}

export type WooFault = 'down' | 'html' | { status: number; retryAfter?: string };

export interface FakeWooCommerceOptions {
  consumerKey: string;
  consumerSecret: string;
  /** `woocommerce_rest_batch_items_limit` (default 100). */
  batchLimit?: number;
}

/**
 * A WooCommerce REST v3 shop as its code behaves (see SHOPS-NOTES 2.1): `?sku=a,b` finds products and variations;
 * batch routes answer per-item errors inside a 200; over the batch limit is a 413; an update without
 * `manage_stock: true` on a product that does not manage stock wipes its quantity and still answers 200.
 */
export async function startFakeWooCommerce(opts: FakeWooCommerceOptions) {
  const limit = opts.batchLimit ?? 100;
  const products = new Map<number, WooProduct>();
  const writes: WooWrite[] = [];
  const requests: FakeRequest[] = [];
  const faults: Array<{ left: number; fault: WooFault }> = [];
  const itemErrors = new Map<string, { code: string; message: string; status: number; left: number }>();
  let persistent: WooFault | null = null;
  let nextId = 700;
  const basic = 'Basic ' + Buffer.from(`${opts.consumerKey}:${opts.consumerSecret}`).toString('base64');

  const wpError = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({
    status,
    headers,
    body: { code, message, data: { status } },
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
    if (f === 'html') return { status: 503, raw: '<html><body><h1>503 Service Unavailable</h1></body></html>' };
    return wpError(
      f.status,
      'fault',
      `injected ${f.status}`,
      f.retryAfter ? { 'retry-after': f.retryAfter } : undefined,
    );
  }

  function authorised(req: FakeRequest): boolean {
    if (req.headers.authorization === basic) return true;
    return (
      req.query.get('consumer_key') === opts.consumerKey && req.query.get('consumer_secret') === opts.consumerSecret
    );
  }

  /** `prepare_object_for_database`'s stock rule: quantity only when stock is managed, otherwise wiped. */
  function applyUpdate(p: WooProduct, u: Record<string, unknown>) {
    if (typeof u.manage_stock === 'boolean') p.manage_stock = u.manage_stock;
    if (p.manage_stock) {
      if (u.stock_quantity !== undefined) p.stock_quantity = Number(u.stock_quantity);
      if (p.stock_quantity !== null) p.stock_status = p.stock_quantity > 0 ? 'instock' : 'outofstock';
    } else {
      p.manage_stock = false;
      p.stock_quantity = null;
      if (typeof u.stock_status === 'string') p.stock_status = u.stock_status as WooProduct['stock_status'];
    }
  }

  function batch(req: FakeRequest, parent: number | null): Reply {
    let body: { create?: unknown[]; update?: Array<Record<string, unknown>>; delete?: unknown[] };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return wpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
    }
    const count = (body.create?.length ?? 0) + (body.update?.length ?? 0) + (body.delete?.length ?? 0);
    if (count > limit)
      return wpError(
        413,
        'woocommerce_rest_request_entity_too_large',
        `Unable to accept more than ${limit} items for this request.`,
      );
    const update = (body.update ?? []).map((u) => {
      const id = Number(u.id);
      const p = products.get(id);
      const belongs =
        p && (parent === null ? p.type !== 'variation' : p.type === 'variation' && p.parent_id === parent);
      if (!p || !belongs)
        return {
          id,
          error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 404 } },
        };
      const injected = itemErrors.get(p.sku);
      if (injected && injected.left > 0) {
        injected.left--;
        return { id, error: { code: injected.code, message: injected.message, data: { status: injected.status } } };
      }
      if (u.stock_quantity !== undefined && !Number.isInteger(u.stock_quantity))
        return {
          id,
          error: { code: 'rest_invalid_param', message: 'Invalid parameter(s): stock_quantity', data: { status: 400 } },
        };
      applyUpdate(p, u);
      writes.push({ id, sku: p.sku, route: req.path, body: u, at: req.at });
      return { ...p };
    });
    return { status: 200, body: { update } };
  }

  function handle(req: FakeRequest): Reply {
    requests.push(req);
    const f = fault();
    if (f) return f;
    if (!req.path.startsWith('/wp-json/')) return { status: 404, raw: '<html><body>Not Found</body></html>' };
    if (!authorised(req)) return wpError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
    if (req.path === '/wp-json/wc/v3/products' && req.method === 'GET') {
      const skus = (req.query.get('sku') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const perPage = Math.min(100, Number(req.query.get('per_page') ?? 10));
      const page = Number(req.query.get('page') ?? 1);
      const all = [...products.values()].filter((p) => (skus.length ? skus.includes(p.sku) : p.type !== 'variation'));
      const pages = Math.max(1, Math.ceil(all.length / perPage));
      return {
        status: 200,
        headers: { 'x-wp-total': String(all.length), 'x-wp-totalpages': String(pages) },
        body: all.slice((page - 1) * perPage, page * perPage),
      };
    }
    const editable = ['POST', 'PUT', 'PATCH'].includes(req.method);
    if (req.path === '/wp-json/wc/v3/products/batch' && editable) return batch(req, null);
    const m = req.path.match(/^\/wp-json\/wc\/v3\/products\/(\d+)\/variations\/batch$/);
    if (m && editable) return batch(req, Number(m[1]));
    return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
  }

  const server = await startFakeServer(handle);
  const add = (p: Omit<WooProduct, 'id'> & { id?: number }): WooProduct => {
    const item: WooProduct = { ...p, id: p.id ?? nextId++ };
    products.set(item.id, item);
    return item;
  };
  return {
    url: server.url,
    products,
    writes,
    requests,
    /** A simple product; by default stock management is off, as in a new WooCommerce product. */
    addProduct(sku: string, extra: Partial<WooProduct> = {}): WooProduct {
      return add({
        sku,
        type: 'simple',
        parent_id: 0,
        manage_stock: false,
        stock_quantity: null,
        stock_status: 'instock',
        ...extra,
      });
    },
    addVariation(parentId: number, sku: string, extra: Partial<WooProduct> = {}): WooProduct {
      return add({
        sku,
        type: 'variation',
        parent_id: parentId,
        manage_stock: false,
        stock_quantity: null,
        stock_status: 'instock',
        ...extra,
      });
    },
    bySku(sku: string): WooProduct | undefined {
      return [...products.values()].find((p) => p.sku === sku);
    },
    remove(sku: string) {
      for (const p of products.values()) if (p.sku === sku) products.delete(p.id);
    },
    /** The next `times` updates of this SKU answer this error object inside the 200. */
    itemError(sku: string, e: { code: string; message: string; status: number }, times = 1) {
      itemErrors.set(sku, { ...e, left: times });
    },
    fail(times: number, f: WooFault) {
      faults.push({ left: times, fault: f });
    },
    setFault(f: WooFault | null) {
      persistent = f;
    },
    heal() {
      persistent = null;
      faults.length = 0;
    },
    close: () => server.close(),
  };
}

export type FakeWooCommerce = Awaited<ReturnType<typeof startFakeWooCommerce>>;
