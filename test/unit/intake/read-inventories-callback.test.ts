import { readInventoriesCallback } from '../../../src/intake/read-inventories-callback';

const limits = { maxOffers: 10, maxIdLength: 255, maxQuantity: 1e9 };
const read = (body: Record<string, unknown>) => readInventoriesCallback({ clientId: 'c', ...body }, limits);

describe('readInventoriesCallback tells the shapes apart', () => {
  it.each([
    ['figures', { offers: [{ xmlId: 'A', stores: [{ code: 'm', available: 1 }] }] }, 'figures'],
    ['offers without stores', { offers: '[{"xmlId":"A"}]' }, 'offers-question'],
    ['offers with empty stores', { offers: [{ id: 5, stores: [] }] }, 'offers-question'],
    [
      'figures and a question',
      { offers: [{ xmlId: 'A', stores: [{ code: 'm', available: 1 }] }, { xmlId: 'B' }] },
      'mixed',
    ],
    ['an order by id', { order: '{"id": 3}' }, 'order-question'],
    ['an order with items', { order: { externalId: 'o', items: [{ offer: { xmlId: 'A' } }] } }, 'order-question'],
    ['an order by number only', { order: { number: '12A' } }, 'order-question'],
    ['offers and an order', { offers: [{ xmlId: 'A' }], order: { id: 3 } }, 'mixed'],
    ['other fields only', { products: [1] }, 'unknown'],
    ['an order that names nothing', { order: { status: 'new' } }, 'unknown'],
  ])('%s → %s', (_name, body, reading) => {
    const r = read(body);
    expect('errors' in r ? r.errors : r.reading).toBe(reading);
  });

  it('reads the order to read only when its items name no offer', () => {
    const r = read({ order: { id: 3, site: 's', items: [{ quantity: 1 }] } });
    expect(r).toMatchObject({ reading: 'order-question', questions: [], orderToRead: { id: 3, site: 's' } });
    const withItems = read({ order: { id: 3, items: [{ offer: { id: '7', xmlId: 'A' } }, { offer: null }] } });
    expect(withItems).toMatchObject({ questions: [{ id: 7, xmlId: 'A' }] });
    expect('orderToRead' in withItems).toBe(false);
  });

  it.each([
    ['nothing to read', {}, 'offers'],
    ['a body of the activity callback', { activity: '{"active":true}' }, 'offers'],
    ['an order that is not JSON', { order: '{' }, 'order'],
    ['an order id of 0', { order: { id: 0 } }, 'order.id'],
    ['too many items', { order: { id: 1, items: Array.from({ length: 11 }, () => ({})) } }, 'order.items'],
  ])('refuses %s', (_name, body, field) => {
    const r = read(body);
    expect('errors' in r && Object.keys(r.errors)).toContain(field);
  });
});
