import { parseConfig } from '../../../src/config/load-config';
import { createAccountRegistry } from '../../../src/accounts/account-registry';
import { qualify, unqualify } from '../../../src/accounts/account-names';
import { accountRaw, rawAccountsConfig } from '../../helpers/accounts-config';

describe('account registry', () => {
  const cfg = parseConfig(rawAccountsConfig([accountRaw('default'), accountRaw('acme'), accountRaw('beta')]), {});
  const registry = createAccountRegistry(cfg.accounts.map((config) => ({ config, origin: 'file' as const })));

  it('finds an account by its clientId and by its shipments token, and nothing by a wrong one', () => {
    expect(registry.byClientId('client-id-SECRET-acme')?.name).toBe('acme');
    expect(registry.byClientId('client-id-SECRET-beta')?.name).toBe('beta');
    expect(registry.byClientId('client-id-SECRET-acm')).toBeUndefined();
    expect(registry.byClientId('')).toBeUndefined();
    expect(registry.byShipmentsToken('ship-token-SECRET-default')?.name).toBe('default');
    expect(registry.byShipmentsToken('client-id-SECRET-acme')).toBeUndefined();
  });

  it('qualifies targets: default bare, others <account>/<name>; and back', () => {
    expect(registry.allTargets().map((t) => t.name)).toEqual(['shop', 'acme/shop', 'beta/shop']);
    expect(registry.ownerOf('acme/shop')?.name).toBe('acme');
    expect(registry.ownerOf('shop')?.name).toBe('default');
    expect(unqualify(qualify('acme', 'x.y'))).toEqual({ account: 'acme', name: 'x.y' });
    expect(registry.sole()).toBeUndefined();
  });

  it('put replaces an account: its old clientId stops resolving', () => {
    const r = createAccountRegistry([{ config: cfg.accounts[1], origin: 'file' }]);
    expect(r.sole()?.name).toBe('acme');
    r.put({ ...cfg.accounts[1], crm: { ...cfg.accounts[1].crm, clientId: 'new-id' } }, 'connected');
    expect(r.byClientId('client-id-SECRET-acme')).toBeUndefined();
    expect(r.byClientId('new-id')?.origin).toBe('connected');
  });
});
