import request from 'supertest';
import { parseConfig } from '../../../src/config/load-config';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../../src/demo/fakes/fake-merchantpro';
import { formBody, manyOffers } from '../../helpers/callback-bodies';
import { rawConfig, SECRETS, silentLog, targetRaw, waitFor } from '../../helpers/test-config';

describe('targets are isolated', () => {
  let slow: FakeMerchantPro;
  let fast: FakeMerchantPro;
  let hub: Hub;
  afterEach(async () => {
    await hub.stop();
    await slow.close();
    await fast.close();
  });

  it('a shop that hangs until timeout does not delay delivery to a healthy one', async () => {
    slow = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    fast = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    const skus = Array.from({ length: 30 }, (_, i) => `SKU-${i}`);
    skus.forEach((s) => {
      slow.addItem(s);
      fast.addItem(s);
    });
    slow.setFault('timeout');
    hub = createHub({
      config: parseConfig(
        rawConfig({
          targets: [
            targetRaw('slow', slow.url, { timeoutMs: 5000, concurrency: 2 }),
            targetRaw('fast', fast.url, { concurrency: 2 }),
          ],
          worker: { leaseMs: 20_000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 100, drainMs: 200 },
        }),
        {},
      ),
      log: silentLog,
    });
    await hub.start();
    await request(hub.app)
      .post('/callbacks/inventories-upload')
      .type('form')
      .send(formBody(manyOffers(30, ['main'], 0, () => 3)))
      .expect(200);
    await waitFor(() => fast.writes.length === 30, { what: 'all 30 writes to the healthy shop' });
    // The healthy shop is done while the slow one has not even answered its first two requests.
    expect(slow.writes).toHaveLength(0);
    expect(slow.requests.length).toBeLessThanOrEqual(2);
    slow.heal();
  });
});
