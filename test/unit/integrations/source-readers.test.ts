import fc from 'fast-check';
import { diffSnapshot } from '../../../src/sync/diff-snapshot';
import { parseJsonAnswer, sourceQuantity } from '../../../src/integrations/source-answer';
import { parseFlamixProduct } from '../../../src/integrations/flamix/flamix-source';
import { parseMerchantProPage } from '../../../src/integrations/merchantpro/merchantpro-reader';
import { parseSyncInventory } from '../../../src/integrations/syncinventory/syncinventory-source';

describe('source quantities', () => {
  it('reads numbers and numeric strings, clamps negatives to 0, floors fractions, refuses the rest', () => {
    expect([
      sourceQuantity('-42893.0'),
      sourceQuantity('7.9'),
      sourceQuantity(3),
      sourceQuantity('x'),
      sourceQuantity(NaN),
      sourceQuantity(null),
    ]).toEqual([0, 7, 3, undefined, undefined, undefined]);
  });
  it('property: a readable figure is always a whole number ≥ 0', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.string()), (v) => {
        const q = sourceQuantity(v);
        return q === undefined || (Number.isInteger(q) && q >= 0);
      }),
      { numRuns: 500, verbose: true },
    );
  });
});

describe('SyncInventory answers', () => {
  const wh = { '97637': 'main', '555': 'north' };
  it('maps godowns to CRM warehouses, with string numbers and negative stock clamped', () => {
    const snap = parseSyncInventory(
      [
        {
          products_id: '9032',
          SkuCode: 'PTFB04',
          Stock: '-42893.0',
          Godowns: [{ Godown: 'Karachi', Godownid: '97637', Stock: '-42893' }],
        },
        {
          products_id: '9410',
          SkuCode: 'PFLY12',
          Stock: '12.0',
          Godowns: [
            { Godownid: '97637', Stock: '10' },
            { Godownid: '555', Stock: '2.5' },
            { Godownid: '1', Stock: '99' },
          ],
        },
        { products_id: '1', SkuCode: '', Godowns: [] },
        { products_id: '2', SkuCode: 'ONLY-UNMAPPED', Godowns: [{ Godownid: '1', Stock: '5' }] },
      ],
      wh,
    );
    expect(snap.items).toEqual([
      { key: 'PTFB04', stores: { main: 0 } },
      { key: 'PFLY12', stores: { main: 10, north: 2 } },
    ]);
    expect(snap.unmapped).toEqual([
      { ref: 'products_id=1', reason: 'no SkuCode' },
      { ref: 'ONLY-UNMAPPED', reason: 'no figures for a mapped godown' },
    ]);
  });
  it('treats {"status":"error"} as an error whatever the status, and HTML as an error with an excerpt', () => {
    expect(() => parseSyncInventory({ status: 'error', message: 'Invalid API key.' }, wh)).toThrow(
      'SyncInventory refused: Invalid API key.',
    );
    expect(() => parseJsonAnswer('<html><body><h1>PHP Fatal error</h1></body></html>', 500, 'SyncInventory')).toThrow(
      'SyncInventory answered an HTML page (HTTP 500): "PHP Fatal error"',
    );
    expect(() => parseJsonAnswer('Array(', 200, 'SyncInventory')).toThrow('not JSON');
  });
});

describe('Flamix product rests', () => {
  const wh = { '1': 'main', '6': 'north' };
  it.each([
    ['an object keyed by warehouse id', { quantity: 3, warehouse: { 1: 200.0, 6: 99.9 } }],
    ['numeric strings', { quantity: '3', warehouse: { 1: '200.0', 6: '99.9' } }],
    [
      'a list of {id, quantity}',
      {
        quantity: 3,
        warehouse: [
          { id: 1, quantity: 200 },
          { id: 6, quantity: 99.9 },
        ],
      },
    ],
  ])('accepts %s', (_n, body) => {
    expect(parseFlamixProduct(body, 'SKU-1', wh)).toEqual({ item: { key: 'SKU-1', stores: { main: 200, north: 99 } } });
  });
  it('a bare list is indexed from 1; a single number or "*" is the total quantity', () => {
    expect(parseFlamixProduct({ warehouse: [5, 6] }, 'A', { '1': 'main', '2': 'north' })).toEqual({
      item: { key: 'A', stores: { main: 5, north: 6 } },
    });
    expect(parseFlamixProduct({ quantity: 3, warehouse: 7 }, 'A', { '*': 'main' })).toEqual({
      item: { key: 'A', stores: { main: 7 } },
    });
    expect(parseFlamixProduct({ quantity: 3, warehouse: {} }, 'A', { '*': 'main' })).toEqual({
      item: { key: 'A', stores: { main: 3 } },
    });
  });
  it('warns on unreadable or unmapped answers', () => {
    expect(parseFlamixProduct({ warehouse: { 1: 'lots' } }, 'A', wh).warning).toContain('unreadable quantity');
    expect(parseFlamixProduct({ warehouse: { 9: 1 } }, 'A', wh).warning).toContain('no figures for a mapped warehouse');
    expect(parseFlamixProduct([1, 2], 'A', wh).warning).toContain('no product object');
  });
});

describe('MerchantPro stock pages', () => {
  it('reads warehouses by name, or top-level stock through "*", and skips items with tracking off', () => {
    const page = parseMerchantProPage(
      {
        data: [
          {
            id: 1,
            sku: 'A',
            inventory_enabled: 'on',
            stock: 7,
            warehouses: [
              { name: 'Depozit central', stock: 5 },
              { name: 'Depozit nord', stock: 2 },
            ],
          },
          { id: 2, sku: 'B', inventory_enabled: 'off' },
          { id: 3, sku: null, stock: 1 },
        ],
        meta: { links: { next: '/api/v2/inventory?start=100' } },
      },
      'sku',
      { 'Depozit central': 'main', '*': 'total' },
    );
    expect(page.snap.items).toEqual([{ key: 'A', stores: { main: 5, total: 7 } }]);
    expect(page.snap.unmapped).toEqual([{ ref: 'id=3', reason: 'no sku' }]);
    expect(page).toMatchObject({ count: 3, next: true });
  });
});

describe('diffSnapshot', () => {
  it('uploads only the warehouses whose figure changed since the last upload', () => {
    const last = new Map([
      [
        'A',
        new Map([
          ['main', 5],
          ['north', 1],
        ]),
      ],
    ]);
    const r = diffSnapshot(
      [
        { key: 'A', stores: { main: 5, north: 2 } },
        { key: 'B', stores: { main: 0 } },
        { key: 'C', stores: {} },
      ],
      last,
      'xmlId',
    );
    expect(r.uploads).toEqual([
      { xmlId: 'A', stores: [{ code: 'north', available: 2 }] },
      { xmlId: 'B', stores: [{ code: 'main', available: 0 }] },
    ]);
    expect(r.unchanged).toBe(1);
    expect(
      diffSnapshot(
        [
          { key: '12', stores: { main: 1 } },
          { key: 'x', stores: { main: 1 } },
        ],
        new Map(),
        'id',
      ).uploads,
    ).toEqual([{ id: 12, stores: [{ code: 'main', available: 1 }] }]);
  });
});
