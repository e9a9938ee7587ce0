/** The account a 0.2 config file (top-level `crm`, `targets`, `sources`) is read as, and old rows belong to. */
export const DEFAULT_ACCOUNT = 'default';

/** An account name: a slug (it appears in admin URLs, store keys and metric labels). */
export const ACCOUNT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * The store key of an account's target or source. Stores key per target and per source by name; `default`'s are
 * the bare name (a 0.2 database needs no rename), any other account's `<account>/<name>` (names cannot hold '/').
 */
export function qualify(account: string, name: string): string {
  return account === DEFAULT_ACCOUNT ? name : `${account}/${name}`;
}

/** The inverse of `qualify`: which account a stored name belongs to, and its name inside the account. */
export function unqualify(stored: string): { account: string; name: string } {
  const i = stored.indexOf('/');
  return i < 0
    ? { account: DEFAULT_ACCOUNT, name: stored }
    : { account: stored.slice(0, i), name: stored.slice(i + 1) };
}
