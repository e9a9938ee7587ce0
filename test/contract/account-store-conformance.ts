import type { OpenStores, StoredAccount } from '../../src/storage/stores';
import { useStores } from './use-stores';

export const storedAccount = (name: string, extra: Partial<StoredAccount> = {}): Omit<StoredAccount, 'version'> => ({
  name,
  url: `https://${name}.retailcrm.ru`,
  site: `${name}-site`,
  language: 'en',
  scopes: ['store_read', 'store_write'],
  clientIdHash: `cid-${name}`,
  tokenHash: null,
  keyId: 'key-1',
  sealed: `sealed-${name}`,
  active: true,
  connectedAt: 10,
  updatedAt: 10,
  ...extra,
});

export function accountStoreConformance(driverName: string, openStores: OpenStores) {
  describe(`AccountStore conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('adds accounts once per name and per CRM URL, and reads them back as written', async () => {
      const a = s.stores.accounts;
      expect(await a.list()).toEqual([]);
      expect(await a.insert(storedAccount('acme'))).toBe('ok');
      expect(await a.insert(storedAccount('acme', { url: 'https://other.retailcrm.ru', clientIdHash: 'x' }))).toBe(
        'name-taken',
      );
      expect(await a.insert(storedAccount('acme-2', { url: 'https://acme.retailcrm.ru', clientIdHash: 'y' }))).toBe(
        'url-taken',
      );
      expect(await a.insert(storedAccount('beta', { connectedAt: 20, tokenHash: 'th', active: false }))).toBe('ok');
      expect(await a.get('acme')).toEqual({ ...storedAccount('acme'), version: 1 });
      expect(await a.byUrl('https://beta.retailcrm.ru')).toMatchObject({
        name: 'beta',
        tokenHash: 'th',
        active: false,
      });
      expect(await a.get('gamma')).toBeUndefined();
      expect((await a.list()).map((x) => x.name)).toEqual(['acme', 'beta']);
      const again = await s.restart();
      expect((await again.accounts.list()).map((x) => x.name)).toEqual(['acme', 'beta']);
    });

    it('changes content only from the version read (a second writer from the same read loses); the stamp follows', async () => {
      const a = s.stores.accounts;
      const empty = await a.stamp();
      await a.insert(storedAccount('acme'));
      const added = await a.stamp();
      expect(added).not.toBe(empty);
      expect(await a.update(storedAccount('acme', { sealed: 'new', updatedAt: 11 }), 1)).toBe(true);
      expect(await a.update(storedAccount('acme', { sealed: 'lost' }), 1)).toBe(false);
      expect(await a.get('acme')).toMatchObject({ sealed: 'new', updatedAt: 11, version: 2 });
      const changed = await a.stamp();
      expect(changed).not.toBe(added);
      // Re-sealing under another key changes no content: the stamp stays.
      expect(await a.reseal('acme', 'key-1', 'key-2', 'resealed')).toBe(true);
      expect(await a.reseal('acme', 'key-1', 'key-2', 'again')).toBe(false);
      expect(await a.get('acme')).toMatchObject({ keyId: 'key-2', sealed: 'resealed', version: 2 });
      expect(await a.stamp()).toBe(changed);
    });
  });
}
