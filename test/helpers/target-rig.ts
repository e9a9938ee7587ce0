import request from 'supertest';
import type { Logger } from 'pino';
import { createHub, type Hub } from '../../src/compose/create-hub';
import { parseConfig } from '../../src/config/load-config';
import { formBody } from './callback-bodies';
import { rawConfig, silentLog } from './test-config';

export interface TargetRig {
  hub: Hub;
  post(offers: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** A hub on a real SQLite file with one target of any type (its raw config entry), pointing at a fake already up. */
export async function startTargetRig(
  target: Record<string, unknown>,
  opts: { worker?: Record<string, unknown>; crm?: Record<string, unknown>; log?: Logger } = {},
): Promise<TargetRig> {
  const base = rawConfig();
  const config = rawConfig({
    targets: [{ timeoutMs: 1000, requestsPerSecond: 1000, ...target }],
    worker: { leaseMs: 3000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, drainMs: 2000, ...opts.worker },
    ...(opts.crm ? { crm: { ...(base.crm as object), ...opts.crm } } : {}),
  });
  const hub = createHub({ config: parseConfig(config, {}), log: opts.log ?? silentLog });
  await hub.start();
  return {
    hub,
    async post(offers) {
      const res = await request(hub.app).post('/callbacks/inventories-upload').type('form').send(formBody(offers));
      if (res.status !== 200) throw new Error(`callback refused: ${res.status} ${JSON.stringify(res.body)}`);
    },
    close: () => hub.stop(),
  };
}
