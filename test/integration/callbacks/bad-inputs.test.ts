import request from 'supertest';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { offer, formBody } from '../../helpers/callback-bodies';
import { SECRETS, silentLog, testConfig } from '../../helpers/test-config';

const C = SECRETS.clientId;
const good = [offer('A1', { main: 1 })];
const form = (fields: Record<string, string>) => ({
  type: 'application/x-www-form-urlencoded',
  body: new URLSearchParams(fields).toString(),
});
const json = (body: unknown) => ({
  type: 'application/json',
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const withStores = (stores: unknown) => json({ clientId: C, offers: [{ xmlId: 'A1', stores }] });
const withOffer = (o: unknown) => json({ clientId: C, offers: [o] });

// Each case: a request the CRM (or an attacker) might send, the status it must get, and the field the answer must name.
const cases: Array<[string, { type: string; body: string }, number, string]> = [
  [
    'malformed form encoding (broken %-escape)',
    { type: 'application/x-www-form-urlencoded', body: `clientId=${C}&offers=%5B%7B%22xmlId%22%3A%22A%E0%A4%A` },
    400,
    'form encoding',
  ],
  [
    'offers field given twice',
    {
      type: 'application/x-www-form-urlencoded',
      body: `clientId=${C}&offers=${encodeURIComponent(JSON.stringify(good))}&offers=${encodeURIComponent(JSON.stringify(good))}`,
    },
    400,
    'offers[0]',
  ],
  ['malformed form (offers is not JSON)', form({ clientId: C, offers: '[{"xmlId": ' }), 400, 'offers'],
  ['invalid JSON body', json('{"clientId": "x", "offers": ['), 400, 'valid JSON'],
  ['offers missing', form({ clientId: C }), 400, 'offers'],
  ['offers is an object, not a list', json({ clientId: C, offers: { xmlId: 'A1' } }), 400, 'offers'],
  ['offers is an empty list', json({ clientId: C, offers: [] }), 400, 'offers'],
  ['offers is a number', form({ clientId: C, offers: '42' }), 400, 'offers'],
  ['offer is a string', json({ clientId: C, offers: ['A1'] }), 400, 'offers[0]'],
  ['offer is null', json({ clientId: C, offers: [null] }), 400, 'offers[0]'],
  ['offer without any identifier', withOffer({ stores: [{ code: 'main', available: 1 }] }), 400, 'offers[0]'],
  ['id is negative', withOffer({ id: -5, stores: [] }), 400, 'offers[0].id'],
  ['id is fractional', withOffer({ id: 1.5, stores: [] }), 400, 'offers[0].id'],
  ['externalId is an object', withOffer({ externalId: { a: 1 }, stores: [] }), 400, 'offers[0].externalId'],
  ['xmlId is empty', withOffer({ xmlId: '  ', stores: [] }), 400, 'offers[0].xmlId'],
  ['xmlId over 255 characters', withOffer({ xmlId: 'x'.repeat(256), stores: [] }), 400, 'offers[0].xmlId'],
  ['xmlId with control characters', withOffer({ xmlId: 'a\u0000b', stores: [] }), 400, 'offers[0].xmlId'],
  // Issue 10: identifiers that would change which resource a request addresses, or could never be delivered.
  ['xmlId is ".." (would PATCH the whole inventory)', withOffer({ xmlId: '..', stores: [] }), 400, 'offers[0].xmlId'],
  ['xmlId is "." (would PATCH /inventory/sku/)', withOffer({ xmlId: '.', stores: [] }), 400, 'offers[0].xmlId'],
  ['externalId is ".."', withOffer({ externalId: '..', stores: [] }), 400, 'offers[0].externalId'],
  [
    'xmlId with a lone high surrogate (JSON \\ud800)',
    { type: 'application/json', body: `{"clientId":"${C}","offers":[{"xmlId":"SKU \\ud800 z","stores":[]}]}` },
    400,
    'offers[0].xmlId',
  ],
  [
    'externalId with a lone low surrogate',
    withOffer({ externalId: 'a\udc00', stores: [] }),
    400,
    'offers[0].externalId',
  ],
  [
    'store code with a lone surrogate',
    withStores([{ code: 'm\ud83d', available: 1 }]),
    400,
    'offers[0].stores[0].code',
  ],
  ['xmlId with a C1 control (U+0085)', withOffer({ xmlId: 'a\u0085b', stores: [] }), 400, 'offers[0].xmlId'],
  ['xmlId with a C1 control (U+009F)', withOffer({ xmlId: 'a\u009fb', stores: [] }), 400, 'offers[0].xmlId'],
  ['xmlId with DEL (U+007F)', withOffer({ xmlId: 'a\u007fb', stores: [] }), 400, 'offers[0].xmlId'],
  ['site with a C1 control', withOffer({ xmlId: 'A1', site: 's\u0090', stores: [] }), 400, 'offers[0].site'],
  [
    'store code with a C1 control (U+0080)',
    withStores([{ code: 'main\u0080', available: 1 }]),
    400,
    'offers[0].stores[0].code',
  ],
  [
    'xmlId with a C1 control, form-encoded',
    form({ clientId: C, offers: JSON.stringify([{ xmlId: 'a\u0085', stores: [] }]) }),
    400,
    'offers[0].xmlId',
  ],
  // An offer without `stores` is a question now (issue 8): see stock-questions.test.ts. A wrong `stores` stays a 400.
  ['stores is a string', withOffer({ xmlId: 'A1', stores: 'main' }), 400, 'offers[0].stores'],
  ['store without code', withStores([{ available: 1 }]), 400, 'offers[0].stores[0].code'],
  [
    'store code over 255 characters',
    withStores([{ code: 'w'.repeat(300), available: 1 }]),
    400,
    'offers[0].stores[0].code',
  ],
  [
    'warehouse repeated in one offer',
    withStores([
      { code: 'main', available: 1 },
      { code: 'main', available: 2 },
    ]),
    400,
    'offers[0].stores[1].code',
  ],
  ['available missing', withStores([{ code: 'main' }]), 400, 'offers[0].stores[0].available'],
  ['available is negative', withStores([{ code: 'main', available: -1 }]), 400, 'offers[0].stores[0].available'],
  ['available is huge', withStores([{ code: 'main', available: 1e12 }]), 400, 'offers[0].stores[0].available'],
  ['available is NaN (string)', withStores([{ code: 'main', available: 'NaN' }]), 400, 'offers[0].stores[0].available'],
  [
    'available is Infinity (string)',
    withStores([{ code: 'main', available: 'Infinity' }]),
    400,
    'offers[0].stores[0].available',
  ],
  [
    'available is 1e999 (JSON overflow to Infinity)',
    {
      type: 'application/json',
      body: `{"clientId":"${C}","offers":[{"xmlId":"A1","stores":[{"code":"main","available":1e999}]}]}`,
    },
    400,
    'offers[0].stores[0].available',
  ],
  ['available is a word', withStores([{ code: 'main', available: 'five' }]), 400, 'offers[0].stores[0].available'],
  ['available is a boolean', withStores([{ code: 'main', available: true }]), 400, 'offers[0].stores[0].available'],
  ['purchasePrice negative', withStores([{ code: 'main', available: 1, purchasePrice: -3 }]), 400, 'purchasePrice'],
  [
    'purchasePrice is "" (was read as 0)',
    withStores([{ code: 'main', available: 1, purchasePrice: '' }]),
    400,
    'offers[0].stores[0].purchasePrice',
  ],
  [
    'purchasePrice is blank',
    withStores([{ code: 'main', available: 1, purchasePrice: '  ' }]),
    400,
    'offers[0].stores[0].purchasePrice',
  ],
  [
    'purchasePrice is "0x10"',
    withStores([{ code: 'main', available: 1, purchasePrice: '0x10' }]),
    400,
    'offers[0].stores[0].purchasePrice',
  ],
  ['available is ""', withStores([{ code: 'main', available: '' }]), 400, 'offers[0].stores[0].available'],
  [
    '__proto__ at the top level',
    { type: 'application/json', body: `{"clientId":"${C}","__proto__":{"x":1},"offers":${JSON.stringify(good)}}` },
    400,
    '__proto__',
  ],
  [
    '__proto__ inside an offer',
    {
      type: 'application/json',
      body: `{"clientId":"${C}","offers":[{"xmlId":"A1","__proto__":{"polluted":1},"stores":[]}]}`,
    },
    400,
    '__proto__',
  ],
  [
    'constructor inside a store',
    {
      type: 'application/json',
      body: `{"clientId":"${C}","offers":[{"xmlId":"A1","stores":[{"code":"main","available":1,"constructor":{}}]}]}`,
    },
    400,
    'constructor',
  ],
  [
    'too many offers',
    json({ clientId: C, offers: Array.from({ length: 1001 }, (_, i) => offer(`S${i}`, { main: 1 })) }),
    400,
    'at most 1000',
  ],
  [
    'oversized body',
    form({ clientId: C, offers: JSON.stringify(good), pad: 'x'.repeat(2 * 1024 * 1024) }),
    413,
    'larger than',
  ],
  ['wrong content type (text/plain)', { type: 'text/plain', body: formBody(good) }, 415, 'Content-Type'],
  ['wrong content type (multipart)', { type: 'multipart/form-data; boundary=x', body: '--x--' }, 415, 'Content-Type'],
  ['order is not JSON', form({ clientId: C, order: '{"id": ' }), 400, 'order'],
  ['order is a list', json({ clientId: C, order: [1, 2] }), 400, 'order'],
  ['order id is negative', json({ clientId: C, order: { id: -3 } }), 400, 'order.id'],
  ['order externalId is an object', json({ clientId: C, order: { externalId: { a: 1 } } }), 400, 'order.externalId'],
  ['order items is a string', json({ clientId: C, order: { id: 1, items: 'A1' } }), 400, 'order.items'],
  [
    'order item offer with a bad xmlId',
    json({ clientId: C, order: { id: 1, items: [{ offer: { xmlId: 'a\u0001b' } }] } }),
    400,
    'order.items[0].offer.xmlId',
  ],
  [
    '__proto__ inside an order',
    { type: 'application/json', body: `{"clientId":"${C}","order":{"id":1,"__proto__":{"polluted":1}}}` },
    400,
    '__proto__',
  ],
  ['activity-shaped body sent to inventories', form({ clientId: C, activity: '{"active":true}' }), 400, 'offers'],
];

describe('inventoriesUpload refuses bad input with a 4xx naming the problem, and stores nothing', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = createHub({ config: testConfig(), log: silentLog });
    await hub.start();
  });
  afterAll(() => hub.stop());

  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('%s', async (_name, req, status, mention) => {
    const res = await request(hub.app)
      .post('/callbacks/inventories-upload')
      .set('Content-Type', req.type)
      .send(req.body);
    expect(res.status).toBe(status);
    expect(res.body.success).toBe(false);
    expect(JSON.stringify(res.body)).toContain(mention);
    expect(await hub.storage.callbackLog.count()).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names every bad field, not only the first', async () => {
    const res = await request(hub.app)
      .post('/callbacks/inventories-upload')
      .send({
        clientId: C,
        offers: [
          { xmlId: 'A1', stores: [{ code: 'main', available: -1 }] },
          { xmlId: 'A2', stores: [{ code: 'main', available: 'x' }] },
        ],
      });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors)).toEqual(['offers[0].stores[0].available', 'offers[1].stores[0].available']);
  });
});

describe('POST /callbacks/activity', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = createHub({ config: testConfig(), log: silentLog });
    await hub.start();
  });
  afterAll(() => hub.stop());

  it('stores the module state from the form encoding', async () => {
    const res = await request(hub.app)
      .post('/callbacks/activity')
      .type('form')
      .send(
        new URLSearchParams({
          clientId: C,
          systemUrl: 'https://shop.retailcrm.ru',
          activity: '{"active":false,"freeze":false}',
        }).toString(),
      );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(await hub.activity.isActive()).toBe(false);
    expect((await hub.activity.get()).systemUrl).toBe('https://shop.retailcrm.ru');
  });

  it('treats a frozen module as inactive and a plain JSON body as valid', async () => {
    await request(hub.app)
      .post('/callbacks/activity')
      .send({ clientId: C, activity: { active: true, freeze: true } })
      .expect(200);
    expect(await hub.activity.isActive()).toBe(false);
    await request(hub.app)
      .post('/callbacks/activity')
      .send({ clientId: C, activity: { active: true, freeze: false } })
      .expect(200);
    expect(await hub.activity.isActive()).toBe(true);
  });

  it.each([
    ['activity missing', { clientId: C }, 'activity'],
    ['activity not JSON', { clientId: C, activity: '{active' }, 'activity'],
    ['active not boolean', { clientId: C, activity: { active: 'yes' } }, 'active'],
    ['systemUrl not a URL', { clientId: C, systemUrl: 'not a url', activity: { active: true } }, 'systemUrl'],
  ])('refuses %s with 400', async (_n, body, mention) => {
    const before = await hub.activity.get();
    const res = await request(hub.app).post('/callbacks/activity').send(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(mention);
    expect(await hub.activity.get()).toEqual(before);
  });

  it('answers 403 to a wrong clientId', async () => {
    const res = await request(hub.app)
      .post('/callbacks/activity')
      .send({ clientId: 'wrong', activity: { active: false } });
    expect(res.status).toBe(403);
    expect(await hub.activity.isActive()).toBe(true);
  });
});
