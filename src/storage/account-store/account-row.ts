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
