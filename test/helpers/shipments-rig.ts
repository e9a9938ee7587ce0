import { parseConfig } from '../../src/config/load-config';
import { createHub, type Hub } from '../../src/compose/create-hub';
import { startFakeCrm, type FakeCrm } from '../../src/demo/fakes/fake-crm';
import { rawConfig, SECRETS, silentLog } from './test-config';

export interface ShipmentsRig {
  crm: FakeCrm;
  hub: Hub;
  stop(): Promise<void>;
}

/** A started hub with no targets, reporting shipments to a fake CRM (site main-shop). */
export async function startShipmentsRig(opts: {
  maxRetries: number;
  worker: Record<string, number>;
  shipments?: Record<string, unknown>;
}): Promise<ShipmentsRig> {
  const crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
  const hub = createHub({
    config: parseConfig(
      rawConfig({
        crm: {
          url: crm.url,
          apiKey: SECRETS.crmApiKey,
          clientId: SECRETS.clientId,
          site: 'main-shop',
          maxRetries: opts.maxRetries,
        },
        targets: [],
        ...(opts.shipments ? { shipments: opts.shipments } : {}),
        worker: opts.worker,
      }),
      {},
    ),
    log: silentLog,
  });
  await hub.start();
  return {
    crm,
    hub,
    stop: async () => {
      await hub.stop();
      await crm.close();
    },
  };
}
