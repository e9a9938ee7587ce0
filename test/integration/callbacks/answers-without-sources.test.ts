import type { Server } from 'node:http';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { capturingLog, SECRETS, testConfig } from '../../helpers/test-config';
import { startAndListen } from '../../helpers/listen-hub';

const C = SECRETS.clientId;

describe('stock questions without any source configured', () => {
  let hub: Hub;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    hub = createHub({ config: testConfig(), log: capturingLog('warn').log });
    await hub.activity.set({ active: false, freeze: false });
    ({ server, url } = await startAndListen(hub));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await hub.stop();
  });
  const post = async (body: unknown) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId: C, ...(body as object) }),
    });
    return (await res.json()) as Record<string, unknown>;
  };

  it('answers from what the hub last received from the CRM, and leaves out offers it never received', async () => {
    await post({
      offers: [
        {
          xmlId: 'A1',
          externalId: 'ext-A1',
          stores: [
            { code: 'main', available: 5 },
            { code: 'north', available: 2 },
          ],
        },
      ],
    });
    await post({ offers: [{ xmlId: 'A1', externalId: 'ext-A1', stores: [{ code: 'main', available: 3 }] }] });
    await hub.projector.idle();
    expect(await post({ offers: [{ externalId: 'ext-A1' }, { xmlId: 'A1' }, { xmlId: 'nobody' }] })).toEqual({
      success: true,
      offers: [
        { externalId: 'ext-A1', stores: [{ code: 'main', available: 3 }] },
        {
          xmlId: 'A1',
          stores: [
            { code: 'main', available: 3 },
            { code: 'north', available: 2 },
          ],
        },
      ],
    });
  });
});
