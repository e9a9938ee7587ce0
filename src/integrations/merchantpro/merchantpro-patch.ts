import type { MerchantProTargetConfig } from '../../config/config-types';
import type { TargetFigure } from '../../storage/stores';

/**
 * The absolute PATCH body for one item (never `adjust_by`: a retried relative write would double-count).
 * - multiWarehouse: `{"warehouses": [{name, stock}]}` for each mapped CRM warehouse the CRM has reported;
 *   a warehouse never reported is left as the shop has it.
 * - single warehouse: `{"stock": n}`, n = sum of the newest figures of the mapped CRM warehouses; a mapped
 *   warehouse never reported counts as 0.
 * - `enableInventory`: adds `"inventory_enabled": "on"` so items with tracking off take the stock.
 */
export function merchantProPatch(
  target: MerchantProTargetConfig,
  rows: readonly TargetFigure[],
): Record<string, unknown> {
  const mapped = rows.filter((r) => Object.prototype.hasOwnProperty.call(target.warehouses, r.warehouse));
  const body: Record<string, unknown> = target.enableInventory ? { inventory_enabled: 'on' } : {};
  if (target.multiWarehouse) {
    body.warehouses = mapped.map((r) => ({ name: target.warehouses[r.warehouse], stock: r.quantity }));
  } else {
    body.stock = mapped.reduce((sum, r) => sum + r.quantity, 0);
  }
  return body;
}
