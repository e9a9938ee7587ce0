import { startFakeServer, type FakeRequest, type Reply } from './fake-server';

export type ShopifyFault = 'down' | { status: number; retryAfter?: string };

interface UserError {
  code: string;
  field: string[];
  message: string;
}

const REASONS = [
  'correction',
  'cycle_count_available',
  'damaged',
  'other',
  'promotion',
  'received',
  'restock',
  'shrinkage',
];

/**
 * A Shopify store's Admin GraphQL endpoint, for the two operations the target uses (SHOPS-NOTES 2.2):
 * `productVariants(query: "sku:…")` and `inventorySetQuantities`. A leaky cost bucket answers THROTTLED (in a 200,
 * with extensions.cost) when spent; userErrors carry the quantity's index in `field`; a call with any userError
 * applies nothing [I]; an idempotency key seen before returns its first answer.
 */
export async function startFakeShopify(opts: {
  accessToken: string;
  locations?: string[];
  bucket?: { maximumAvailable: number; restoreRate: number; startAvailable?: number };
}) {
  const locations = new Set(opts.locations ?? ['gid://shopify/Location/1', 'gid://shopify/Location/2']);
  const max = opts.bucket?.maximumAvailable ?? 1000;
  const rate = opts.bucket?.restoreRate ?? 100;
  let available = opts.bucket?.startAvailable ?? max;
  // The bucket's clock starts at the first request, so `startAvailable` is what that request finds.
  let filledAt: number | null = null;
  const variants = new Map<string, string>();
  const stocked = new Map<string, Set<string>>();
  /** `${inventoryItemId}|${locationId}` → available. */
  const quantities = new Map<string, number>();
  const sets: Array<{ key: string | undefined; quantities: Array<Record<string, unknown>>; at: number }> = [];
  const keys = new Map<string, { input: string; answer: unknown }>();
  const requests: FakeRequest[] = [];
  const faults: Array<{ left: number; fault: ShopifyFault }> = [];
  let persistent: ShopifyFault | null = null;
  let throttled = 0;
  let nextItem = 30322695;

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
    return {
      status: f.status,
      headers: f.retryAfter ? { 'retry-after': f.retryAfter } : undefined,
      body: { errors: `injected ${f.status}` },
    };
  }

  const status = () => ({ maximumAvailable: max, currentlyAvailable: Math.floor(available), restoreRate: rate });

  function setQuantities(input: Record<string, unknown>, version: string) {
    const errors: UserError[] = [];
    if (input.name !== 'available' && input.name !== 'on_hand')
      errors.push({
        code: 'INVALID_NAME',
        field: ['input', 'name'],
        message: 'The quantity name must be either available or on_hand.',
      });
    if (!REASONS.includes(String(input.reason)))
      errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'The specified reason is invalid.' });
    const qs = (input.quantities ?? []) as Array<Record<string, unknown>>;
    const seen = new Set<string>();
    qs.forEach((q, i) => {
      const item = String(q.inventoryItemId);
      const loc = String(q.locationId);
      const field = (f: string) => ['input', 'quantities', String(i), f];
      if (seen.has(`${item}|${loc}`))
        errors.push({
          code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
          field: field('inventoryItemId'),
          message: 'The combination of inventoryItemId and locationId must be unique.',
        });
      seen.add(`${item}|${loc}`);
      if (![...variants.values()].includes(item))
        errors.push({
          code: 'INVALID_INVENTORY_ITEM',
          field: field('inventoryItemId'),
          message: 'The specified inventory item could not be found.',
        });
      else if (!locations.has(loc))
        errors.push({
          code: 'INVALID_LOCATION',
          field: field('locationId'),
          message: 'The specified location could not be found.',
        });
      else if (!stocked.get(item)?.has(loc))
        errors.push({
          code: 'ITEM_NOT_STOCKED_AT_LOCATION',
          field: field('locationId'),
          message: 'The specified inventory item is not stocked at the location.',
        });
      if (typeof q.quantity !== 'number' || q.quantity < 0)
        errors.push({
          code: 'INVALID_QUANTITY_NEGATIVE',
          field: field('quantity'),
          message: "The quantity can't be negative.",
        });
      if (version >= '2026-01' && !('changeFromQuantity' in q) && input.ignoreCompareQuantity !== true)
        errors.push({
          code: 'COMPARE_QUANTITY_REQUIRED',
          field: field('changeFromQuantity'),
          message: 'changeFromQuantity is required (pass null to skip the check).',
        });
    });
    if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
    for (const q of qs) quantities.set(`${String(q.inventoryItemId)}|${String(q.locationId)}`, Number(q.quantity));
    return {
      inventoryAdjustmentGroup: { id: `gid://shopify/InventoryAdjustmentGroup/${sets.length + 1}` },
      userErrors: [],
    };
  }

  function handle(req: FakeRequest): Reply {
    requests.push(req);
    const f = fault();
    if (f) return f;
    const m = req.path.match(/^\/admin\/api\/(\d{4}-\d{2})\/graphql\.json$/);
    if (!m || req.method !== 'POST') return { status: 404, raw: '<html><body>Not Found</body></html>' };
    if (req.headers['x-shopify-access-token'] !== opts.accessToken)
      return {
        status: 401,
        body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      };
    const { query, variables } = JSON.parse(req.body) as { query: string; variables: Record<string, unknown> };
    const isSet = query.includes('inventorySetQuantities');
    const cost = isSet ? 10 : 5;
    const now = Date.now();
    available = Math.min(max, available + (rate * (now - (filledAt ?? now))) / 1000);
    filledAt = now;
    if (available < cost) {
      throttled++;
      return {
        status: 200,
        body: {
          errors: [
            {
              message: 'Throttled',
              extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
          extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: status() } },
        },
      };
    }
    available -= cost;
    const extensions = { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: status() } };
    if (!isSet) {
      const skus = [...(typeof variables.q === 'string' ? variables.q : '').matchAll(/sku:"((?:[^"\\]|\\.)*)"/g)].map(
        (x) => JSON.parse(`"${x[1]}"`) as string,
      );
      const nodes = skus
        .filter((s) => variants.has(s))
        .map((s) => ({ sku: s, inventoryItem: { id: variants.get(s) } }));
      return { status: 200, body: { data: { productVariants: { nodes } }, extensions } };
    }
    const input = variables.input as Record<string, unknown>;
    const qs = (input.quantities ?? []) as unknown[];
    if (qs.length > 250)
      return {
        status: 200,
        body: {
          errors: [
            {
              message: 'The input array size of 251 is greater than the maximum allowed of 250.',
              extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
            },
          ],
          extensions,
        },
      };
    const key = variables.key as string | undefined;
    const text = JSON.stringify(input);
    const before = key ? keys.get(key) : undefined;
    if (before && before.input === text)
      return { status: 200, body: { data: { inventorySetQuantities: before.answer }, extensions } };
    const answer = before
      ? {
          inventoryAdjustmentGroup: null,
          userErrors: [
            {
              code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
              field: ['input'],
              message: 'The same idempotency key was used with different parameters.',
            },
          ],
        }
      : setQuantities(input, m[1]);
    if (key) keys.set(key, { input: text, answer });
    sets.push({ key, quantities: qs as Array<Record<string, unknown>>, at: req.at });
    return { status: 200, body: { data: { inventorySetQuantities: answer }, extensions } };
  }

  const server = await startFakeServer(handle);
  return {
    url: server.url,
    requests,
    sets,
    /** A variant with this SKU, its inventory item stocked at the given locations (default: all). */
    addVariant(sku: string, at: string[] = [...locations]): string {
      const id = `gid://shopify/InventoryItem/${nextItem++}`;
      variants.set(sku, id);
      stocked.set(id, new Set(at));
      return id;
    },
    removeVariant(sku: string) {
      variants.delete(sku);
    },
    available(sku: string, location: string): number | undefined {
      const id = variants.get(sku);
      return id ? quantities.get(`${id}|${location}`) : undefined;
    },
    fail(times: number, f: ShopifyFault) {
      faults.push({ left: times, fault: f });
    },
    setFault(f: ShopifyFault | null) {
      persistent = f;
    },
    heal() {
      persistent = null;
      faults.length = 0;
    },
    get throttled() {
      return throttled;
    },
    close: () => server.close(),
  };
}

export type FakeShopify = Awaited<ReturnType<typeof startFakeShopify>>;
