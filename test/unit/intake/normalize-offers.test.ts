import fc from 'fast-check';
import { normalizeOffers, readQuantity } from '../../../src/intake/normalize-offers';

const limits = { maxOffers: 100, maxIdLength: 64, maxQuantity: 1_000_000 };

describe('normalizeOffers', () => {
  it('keeps identifiers and floors quantities', () => {
    expect(
      normalizeOffers(
        [
          {
            id: '12',
            externalId: 'E',
            xmlId: 'X',
            site: 's',
            extra: 1,
            stores: [{ code: 'w', available: '2.7', purchasePrice: '3.5' }],
          },
        ],
        limits,
      ),
    ).toEqual({
      offers: [
        { id: 12, externalId: 'E', xmlId: 'X', site: 's', stores: [{ code: 'w', available: 2, purchasePrice: 3.5 }] },
      ],
    });
  });

  it('reports at most 20 problems and says how many more there were', () => {
    const offers = Array.from({ length: 30 }, () => ({ xmlId: 'A', stores: [{ code: 'w', available: -1 }] }));
    const r = normalizeOffers(offers, limits);
    expect('errors' in r && Object.keys(r.errors)).toHaveLength(21);
    expect('errors' in r && r.errors['(more)']).toBe('10 more problems not listed');
  });

  it('property: any valid quantity is accepted as its floor, any invalid one is refused', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.string()), (v) => {
        const r = readQuantity(v, limits.maxQuantity);
        const n = typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
        if (typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= limits.maxQuantity)
          return r === Math.floor(n);
        return typeof r === 'string';
      }),
      { numRuns: 500, verbose: true },
    );
  });

  it('property: normalised output always has an identifier and non-negative whole quantities', () => {
    const store = fc.record({
      code: fc.string({ minLength: 1, maxLength: 5 }),
      available: fc.oneof(fc.nat(), fc.double(), fc.string()),
    });
    const offer = fc.record(
      {
        xmlId: fc.option(fc.string({ maxLength: 70 })),
        id: fc.option(fc.integer()),
        stores: fc.array(store, { maxLength: 3 }),
      },
      { requiredKeys: ['stores'] },
    );
    fc.assert(
      fc.property(fc.array(offer, { minLength: 1, maxLength: 5 }), (offers) => {
        const r = normalizeOffers(offers, limits);
        if ('errors' in r) return Object.keys(r.errors).length > 0;
        return r.offers.every(
          (o) =>
            (o.id !== undefined || o.xmlId !== undefined) &&
            o.stores.every((s) => Number.isInteger(s.available) && s.available >= 0),
        );
      }),
      { numRuns: 300, verbose: true },
    );
  });
});
