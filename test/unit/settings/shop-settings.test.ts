import { mergeEdit, shopView } from '../../../src/settings/shop-settings';

const stored = {
  name: 'mp',
  type: 'merchantpro',
  url: 'https://shop.example.com',
  apiKey: 'key-SECRET',
  apiSecret: 'secret-SECRET',
  warehouses: { main: 'Depozit central' },
};

describe('shop settings: credentials are write-only', () => {
  it('the view has every other field, and which credentials are set, never their values', () => {
    const view = shopView({ ...stored, apiSecret: '' });
    expect(view).toEqual({
      name: 'mp',
      type: 'merchantpro',
      typeLabel: 'MerchantPro',
      fields: {
        name: 'mp',
        type: 'merchantpro',
        url: 'https://shop.example.com',
        warehouses: { main: 'Depozit central' },
      },
      credentialsSet: ['apiKey'],
    });
    expect(JSON.stringify(view)).not.toContain('SECRET');
  });

  it('an edit keeps each credential it leaves blank or out, and takes each one it gives', () => {
    const next = mergeEdit(stored, { name: 'mp', type: 'merchantpro', url: 'https://new.example.com', apiKey: '' });
    expect(next).toMatchObject({ url: 'https://new.example.com', apiKey: 'key-SECRET', apiSecret: 'secret-SECRET' });
    expect(next).not.toHaveProperty('warehouses');
    expect(mergeEdit(stored, { type: 'merchantpro', apiSecret: 'new-SECRET' })).toMatchObject({
      apiKey: 'key-SECRET',
      apiSecret: 'new-SECRET',
    });
  });

  it('a shop changed to another type keeps none of the old type’s credentials', () => {
    expect(mergeEdit(stored, { type: 'retailcrm', url: 'https://crm.example.com' })).toEqual({
      type: 'retailcrm',
      url: 'https://crm.example.com',
    });
  });
});
