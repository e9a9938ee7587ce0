import { wooStockUpdate } from '../../../src/integrations/woocommerce/woocommerce-body';

describe('the WooCommerce stock update (its trap: without manage_stock the quantity is wiped)', () => {
  it('always sends manage_stock: true with the absolute summed quantity, stock_status following it', () => {
    const rows = [
      { warehouse: 'main', quantity: 2, version: 3 },
      { warehouse: 'north', quantity: 5, version: 4 },
    ];
    expect(wooStockUpdate(799, rows)).toEqual({
      id: 799,
      manage_stock: true,
      stock_quantity: 7,
      stock_status: 'instock',
    });
    expect(wooStockUpdate(801, [{ warehouse: 'main', quantity: 0, version: 1 }])).toEqual({
      id: 801,
      manage_stock: true,
      stock_quantity: 0,
      stock_status: 'outofstock',
    });
    expect(Object.keys(wooStockUpdate(1, rows))).not.toContain('inventory_delta');
  });
});
