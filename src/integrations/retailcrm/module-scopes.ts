/**
 * The API-key scopes the module uses in an account: its registration (integration_*), stock uploads and the
 * warehouse list (store_*, reference_read), shipment reports as order edits (order_*). The simple connection's
 * config announces them, and a key without one of them is refused at connect.
 */
export const MODULE_SCOPES: readonly string[] = Object.freeze([
  'integration_read',
  'integration_write',
  'store_read',
  'store_write',
  'reference_read',
  'order_read',
  'order_write',
]);
