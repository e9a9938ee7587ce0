import { parseConfig } from '../../../src/config/load-config';
import { rawConfig, SECRETS } from '../../helpers/test-config';
import { problemsOf } from '../../helpers/config-problems';
import { accountRaw, rawAccountsConfig } from '../../helpers/accounts-config';

describe('config: accounts', () => {
  it('reads a single-account (0.2) file as the one account "default", names unchanged', () => {
    const cfg = parseConfig(rawConfig(), {});
    expect(cfg.accounts.map((a) => a.name)).toEqual(['default']);
    expect(cfg.accounts[0].crm.clientId).toBe(SECRETS.clientId);
    expect(cfg.accounts[0].shipmentsToken).toBe(SECRETS.shipmentsToken);
    expect(cfg.accounts[0].targets.map((t) => t.name)).toEqual(['ro-shop', 'bg-shop']);
    expect(cfg.targets.map((t) => t.name)).toEqual(['ro-shop', 'bg-shop']);
    expect(cfg.connect.allowedHosts).toEqual([]);
  });

  it('reads accounts[]: each its own crm, token, targets; the flat view qualifies every other account', () => {
    const cfg = parseConfig(rawAccountsConfig([accountRaw('default'), accountRaw('acme')]), {});
    expect(cfg.accounts.map((a) => a.name)).toEqual(['default', 'acme']);
    expect(cfg.accounts[1].crm.site).toBe('acme-site');
    expect(cfg.accounts[1].targets.map((t) => t.name)).toEqual(['shop']);
    expect(cfg.targets.map((t) => t.name)).toEqual(['shop', 'acme/shop']);
    expect(cfg.crm.clientId).toBe('client-id-SECRET-default');
  });

  it('refuses a file with both forms, saying which to keep', () => {
    const raw = { ...rawConfig(), accounts: [accountRaw('acme')] };
    const err = problemsOf(() => parseConfig(raw, {}));
    const p = err.problems.find((x) => x.path === 'accounts');
    expect(p?.problem).toMatch(/together with the single-account settings crm, targets, auth\.shipmentsToken/);
    expect(p?.fix).toMatch(/Keep "accounts" and move .* or remove "accounts"/);
    expect(err.problems).toHaveLength(1);
  });

  it('refuses shared names, clientIds and shipments tokens, bad slugs and an empty list, each with its fix', () => {
    const twin = { ...accountRaw('acme'), name: 'acme-two' };
    const err = problemsOf(() =>
      parseConfig(rawAccountsConfig([accountRaw('acme'), accountRaw('acme'), twin, accountRaw('Bad_Name')]), {}),
    );
    const paths = err.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'accounts[1].name',
        'accounts[2].crm.clientId',
        'accounts[2].shipmentsToken',
        'accounts[3].name',
      ]),
    );
    for (const p of err.problems) expect(p.fix.length).toBeGreaterThan(10);
    // Secrets are never quoted in a problem.
    expect(JSON.stringify(err.problems)).not.toMatch(/SECRET/);
    expect(problemsOf(() => parseConfig(rawAccountsConfig([]), {})).problems[0]).toMatchObject({
      path: 'accounts',
      problem: 'is empty',
    });
  });

  it('names an account-level problem by its full path (missing crm, unknown key, duplicate target)', () => {
    const a = accountRaw('acme');
    delete a.crm;
    const b: Record<string, unknown> = { ...accountRaw('beta'), colour: 'red' };
    (b.targets as unknown[]).push((b.targets as unknown[])[0]);
    const err = problemsOf(() => parseConfig(rawAccountsConfig([a, b]), {}));
    expect(err.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['accounts[0].crm', 'accounts[1].colour', 'accounts[1].targets[1].name']),
    );
  });

  it('reads connect.allowedHosts and refuses a URL in it', () => {
    expect(parseConfig(rawConfig({ connect: { allowedHosts: ['CRM.local', '127.0.0.1:8080'] } }), {}).connect).toEqual({
      allowedHosts: ['crm.local', '127.0.0.1:8080'],
    });
    const err = problemsOf(() => parseConfig(rawConfig({ connect: { allowedHosts: ['https://x.y/z'] } }), {}));
    expect(err.problems[0].path).toBe('connect.allowedHosts');
  });
});
