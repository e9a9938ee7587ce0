import type { TargetFigure } from '../../storage/stores';

/** One product's or variation's update in a batch body. */
export interface WooStockUpdate {
  id: number;
  manage_stock: true;
  stock_quantity: number;
  stock_status: 'instock' | 'outofstock';
}

/**
 * The absolute update for one product or variation: the sum of the listed CRM warehouses' newest figures (one
 * stock per product: WooCommerce core has no locations). `manage_stock: true` is always sent with the quantity:
 * WooCommerce applies `stock_quantity` only when stock is managed and otherwise wipes it (sets it to '') while
 * answering 200. `stock_status` follows the quantity. Never `inventory_delta` (a retried delta double-counts).
 */
export function wooStockUpdate(id: number, rows: readonly TargetFigure[]): WooStockUpdate {
  const quantity = rows.reduce((sum, r) => sum + r.quantity, 0);
  return { id, manage_stock: true, stock_quantity: quantity, stock_status: quantity > 0 ? 'instock' : 'outofstock' };
}
