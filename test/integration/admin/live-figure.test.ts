import request from 'supertest';
import { startFanoutRig, type Rig } from '../../helpers/fanout-rig';
import { SECRETS } from '../../helpers/test-config';

describe("asking the shop for an item's live figure", () => {
  let rig: Rig;
  afterAll(() => rig?.close());

  it('reads through the target, within its requests per second like every write', async () => {
    rig = await startFanoutRig({ skus: ['L1'], target: { requestsPerSecond: 2, concurrency: 2 } });
    const ask = () =>
      request(rig.hub.app)
        .get('/admin/targets/shop/items/L1/live')
        .set('Authorization', `Bearer ${SECRETS.adminToken}`);
    const answers = await Promise.all([ask(), ask(), ask()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0].body).toMatchObject({ target: 'shop', item: 'L1' });
    const reads = rig.shop.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/L1'));
    expect(reads).toHaveLength(3);
    // Three requests at 2 per second take two spacings of 500 ms; a slow machine only makes the span longer.
    const span = reads[2].at - reads[0].at;
    expect(span).toBeGreaterThanOrEqual(900);
  });
});
