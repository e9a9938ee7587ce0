import type { ShopIdentifier } from '../../config/config-types';
import { basicAuth } from '../http-client/basic-auth';
import { buildPath } from '../http-client/path-segment';

/** MerchantPro's API takes the key and secret as Basic auth; repeated bad logins lock the shop. */
export const merchantProAuth = (c: { apiKey: string; apiSecret: string }) => basicAuth(c.apiKey, c.apiSecret);

/**
 * The one path of an inventory item, for writes, live reads and lookups: the identifier is exactly one path segment
 * (`/`, spaces and `%` percent-encoded; `.`/`..` refused with UnsafePathSegmentError, since no encoding keeps them
 * from collapsing).
 */
export function merchantProItemPath(identifier: ShopIdentifier, item: string): string {
  return buildPath`/api/v2/inventory/${identifier}/${item}`;
}
