import { rawConfig, targetRaw } from './test-config';

/** An account entry of `accounts[]`, with its own literal secrets (derived from its name) and one target. */
export function accountRaw(
  name: string,
  opts: { crmUrl?: string; shopUrl?: string; targets?: unknown[]; sources?: unknown[] } = {},
): Record<string, unknown> {
  return {
    name,
    crm: {
      url: opts.crmUrl ?? 'http://127.0.0.1:9',
      apiKey: `crm-key-SECRET-${name}`,
      clientId: `client-id-SECRET-${name}`,
      site: `${name}-site`,
    },
    shipmentsToken: `ship-token-SECRET-${name}`,
    targets: opts.targets ?? [targetRaw('shop', opts.shopUrl ?? 'http://127.0.0.1:9')],
    sources: opts.sources ?? [],
  };
}

/** A raw config in the accounts form: the 0.2 top-level crm/targets/sources/auth.shipmentsToken removed. */
export function rawAccountsConfig(accounts: unknown[], overrides: Record<string, unknown> = {}) {
  const base = rawConfig(overrides);
  delete base.crm;
  delete base.targets;
  delete base.sources;
  const auth = { ...(base.auth as Record<string, unknown>) };
  delete auth.shipmentsToken;
  return { ...base, auth, accounts, ...overrides };
}
