import { parse as legacyParse } from 'node:url';
import fc from 'fast-check';
import {
  buildPath,
  isWellFormedUnicode,
  pathSegment,
  UnsafePathSegmentError,
} from '../../../src/integrations/http-client/path-segment';
import { normalizeOffers } from '../../../src/intake/normalize-offers';
import { normalizeShipments } from '../../../src/shipments/normalize-shipments';
import { merchantProItemPath } from '../../../src/integrations/merchantpro/merchantpro-api';
import type { MerchantProTargetConfig } from '../../../src/config/config-types';

const limits = { maxOffers: 1000, maxIdLength: 255, maxQuantity: 999_999_999 };
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const BASE = 'https://shop.example.ro';

/** The path node-fetch 2 puts on the wire: it runs the URL through WHATWG `new URL`, then the legacy parser. */
function wirePath(url: string): string {
  return legacyParse(new URL(url).toString()).pathname ?? '';
}

/** Segments of the path as sent; the decoded last one (or `at`) must be the identifier. */
function segments(url: string): string[] {
  return wirePath(url).split('/').slice(1);
}

const accepted = (id: string) => {
  const offer = normalizeOffers([{ xmlId: id, stores: [] }], limits);
  const ship = normalizeShipments({ orderExternalId: id, shipmentStore: 'main' }, { site: 's', today: '2026-01-01' });
  return { offer: 'offers' in offer, shipment: 'shipments' in ship };
};

// Identifier material that has broken URLs before: dot segments in every encoding, separators, escapes, surrogates.
const nasty = fc.constantFrom(
  '.',
  '..',
  '%2e',
  '%2E',
  '%2e%2e',
  '.%2E',
  '/',
  '\\',
  '?',
  '#',
  '%',
  '%2F',
  ' ',
  ';',
  '\ud800',
  '\udc00',
  '😀',
  'é',
  '\u0085',
  '\t',
  '..;',
  '...',
);
const identifier = fc.oneof(
  nasty,
  fc
    .array(fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 5 })
    .map((a) => a.join('')),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

describe('outbound paths: an identifier is always exactly one segment', () => {
  const target = { identifier: 'sku' } as MerchantProTargetConfig;

  it(`property: whatever intake accepts addresses exactly one resource whose decoded last segment is it (seed ${SEED})`, () => {
    fc.assert(
      fc.property(identifier, (id) => {
        const ok = accepted(id);
        if (ok.offer) {
          const segs = segments(BASE + merchantProItemPath(target.identifier, id));
          expect(segs.slice(0, 4)).toEqual(['api', 'v2', 'inventory', 'sku']);
          expect(segs).toHaveLength(5);
          expect(decodeURIComponent(segs[4])).toBe(id);
        }
        if (ok.shipment) {
          const segs = segments(`https://crm.example.ru${buildPath`/api/v5/orders/${id}/edit`}`);
          expect(segs).toHaveLength(5);
          expect([segs[0], segs[1], segs[2], segs[4]]).toEqual(['api', 'v5', 'orders', 'edit']);
          expect(decodeURIComponent(segs[3])).toBe(id);
        }
        // And what intake refuses, the path builder refuses too or sends safely: never a different resource.
        if (!ok.offer && (id === '.' || id === '..'))
          expect(() => merchantProItemPath(target.identifier, id)).toThrow(UnsafePathSegmentError);
      }),
      { seed: SEED, numRuns: 1000, verbose: true },
    );
  });

  it.each(['.', '..', '\ud800', 'a\udc00'])(
    'intake refuses %j, and the path builder refuses to send it',
    (id: string) => {
      expect(accepted(id)).toEqual({ offer: false, shipment: false });
      expect(() => pathSegment(id)).toThrow(UnsafePathSegmentError);
    },
  );

  it('keeps dots that are not a whole segment, and encodes separators', () => {
    expect(buildPath`/x/${'...'}/${'a/b'}/${'%2e%2e'}/${'q?#'}`).toBe('/x/.../a%2Fb/%252e%252e/q%3F%23');
  });

  it('isWellFormedUnicode: pairs pass, lone halves fail', () => {
    expect(isWellFormedUnicode('a😀b')).toBe(true);
    expect(isWellFormedUnicode('\ud83d')).toBe(false);
    expect(isWellFormedUnicode('\ude00x')).toBe(false);
    expect(isWellFormedUnicode('x\ud83d\ud83d\ude00')).toBe(false);
  });
});
