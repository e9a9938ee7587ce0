import type { TargetConfig } from '../config/config-types';
import type { TargetFigure, StockState } from '../storage/stores';

/** What one target should hold for one item: the CRM's figures of the warehouses the target maps, newest first. */
export async function targetFigures(
  stock: Pick<StockState, 'offerFigures'>,
  target: Pick<TargetConfig, 'offerKey' | 'warehouses'>,
  item: string,
): Promise<TargetFigure[]> {
  const figures = await stock.offerFigures(target.offerKey, item);
  return figures
    .filter((f) => Object.prototype.hasOwnProperty.call(target.warehouses, f.warehouse))
    .map((f) => ({ warehouse: f.warehouse, quantity: f.quantity, version: f.version }));
}
