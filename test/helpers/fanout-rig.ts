import request from 'supertest';
import { createHub, type Hub } from '../../src/compose/create-hub';
import { openSqliteStorage } from '../../src/storage/open-storage';
import {
  startFakeMerchantPro,
  type FakeMerchantPro,
  type FakeMerchantProOptions,
} from '../../src/demo/fakes/fake-merchantpro';
import { formBody } from './callback-bodies';
import { rawConfig, SECRETS, silentLog, targetRaw, waitFor } from './test-config';
import type { Logger } from 'pino';
import { parseConfig } from '../../src/config/load-config';

export interface Rig {
  hub: Hub;
  shop: FakeMerchantPro;
  post(offers: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** A hub on a real SQLite file with one MerchantPro target pointing at a fake shop over a real socket. */
export async function startFanoutRig(
  opts: {
    target?: Record<string, unknown>;
    shop?: Partial<FakeMerchantProOptions>;
    worker?: Record<string, unknown>;
    skus?: string[];
    log?: Logger;
    start?: boolean;
    /** Project on the service's worker thread (as `npm start` does) instead of in process. */
    projector?: 'thread' | 'in-process';
  } = {},
): Promise<Rig> {
  const shop = await startFakeMerchantPro({
    apiKey: SECRETS.mpKey,
    apiSecret: SECRETS.mpSecret,
    multiWarehouse: true,
    ...opts.shop,
  });
  for (const sku of opts.skus ?? []) shop.addItem(sku);
  const config = rawConfig({
    targets: [targetRaw('shop', shop.url, { timeoutMs: 1000, ...opts.target })],
    worker: { leaseMs: 3000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, drainMs: 2000, ...opts.worker },
  });
  let hub: Hub;
  try {
    const parsed = parseConfig(config, {});
    const storage = openSqliteStorage(parsed, { projectorThread: opts.projector === 'thread' });
    hub = createHub({ config: parsed, log: opts.log ?? silentLog, storage });
    if (opts.start !== false) await hub.start();
  } catch (e) {
    await shop.close();
    throw e;
  }
  return {
    hub,
    shop,
    async post(offers) {
      const res = await request(hub.app).post('/callbacks/inventories-upload').type('form').send(formBody(offers));
      if (res.status !== 200) throw new Error(`callback refused: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async close() {
      await hub.stop();
      await shop.close();
    },
  };
}

export async function waitDelivered(hub: Hub, target: string, items: string[], timeoutMs = 15_000) {
  await hub.projector.idle();
  await waitFor(
    async () => {
      for (const item of items) {
        const s = await hub.storage.deliveries.get(target, item);
        if (!s || s.deliveredVersion < s.version) return false;
      }
      return true;
    },
    { timeoutMs, what: `delivery of ${items.length} items to ${target}` },
  );
}
