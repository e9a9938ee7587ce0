import fc from 'fast-check';
import { skuUrl } from '../../../src/integrations/syncinventory/syncinventory-source';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

/** What the lookup sent before it built URLs around a marker. */
function parsed(base: string, key: string, godownId?: string) {
  const url = new URL(base);
  url.searchParams.set('Skucode', key);
  if (godownId) url.searchParams.set('Godownid', godownId);
  return url.toString();
}

describe('skuUrl: the SyncInventory lookup URL, built once around a marker', () => {
  const bases = [
    'http://127.0.0.1:8080/admin/indexyii.php?r=api/SyncInventory',
    'https://erp.example.com/admin/indexyii.php?r=api/SyncInventory&Skucode=old&x=a+b#frag',
    'https://erp.example.com/api',
  ];

  it.each(['SKU-1', 'a b', "!'()~*-._", 'ș😀', '&=?#/%2e', '\ud800'])(
    '%j is sent as URLSearchParams writes it',
    (key) => {
      for (const base of bases)
        for (const g of [undefined, '7']) expect(skuUrl(base, g)(key)).toBe(parsed(base, key, g));
    },
  );

  it('property: equal to new URL + searchParams for any key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.option(fc.constantFrom('1', 'a b')),
        fc.string({ unit: 'binary' }),
        (base, g, key) => {
          expect(skuUrl(base, g ?? undefined)(key)).toBe(parsed(base, key, g ?? undefined));
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});
