import type { StoredAccount } from './account-store';
import type { Row } from '../sqlite/sqlite-db';

/** One `accounts` row, read the same way from either driver. */
export function accountFromRow(r: Row): StoredAccount {
  return {
    name: String(r.name),
    url: String(r.url),
    site: String(r.site),
    language: (r.language as string | null) ?? null,
    scopes: JSON.parse(typeof r.scopes === 'string' ? r.scopes : '[]') as string[],
    clientIdHash: String(r.client_id_hash),
    tokenHash: (r.token_hash as string | null) ?? null,
    keyId: String(r.key_id),
    sealed: String(r.sealed),
    active: r.active === true || Number(r.active) === 1,
    connectedAt: Number(r.connected_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

/** The row's own fields in statement order (url … active), so both drivers bind inserts and updates alike. */
function accountFields(a: Omit<StoredAccount, 'version'>, bool: (b: boolean) => unknown): unknown[] {
  const scopes = JSON.stringify(a.scopes);
  return [a.url, a.site, a.language, scopes, a.clientIdHash, a.tokenHash, a.keyId, a.sealed, bool(a.active)];
}

/** Parameters of `INSERT … (name, url … active, connected_at, updated_at)`. */
export const accountInsertParams = (a: Omit<StoredAccount, 'version'>, bool: (b: boolean) => unknown) => [
  a.name,
  ...accountFields(a, bool),
  a.connectedAt,
  a.updatedAt,
];

/** Parameters of `UPDATE … SET url … active, updated_at WHERE name AND version`. */
export const accountUpdateParams = (
  a: Omit<StoredAccount, 'version'>,
  expected: number,
  bool: (b: boolean) => unknown,
) => [...accountFields(a, bool), a.updatedAt, a.name, expected];
