import fs from 'node:fs';
import path from 'node:path';
import { createSqliteStores } from '../../src/storage/sqlite/create-sqlite-stores';
import { startFakeCrm, type FakeCrm } from '../../src/demo/fakes/fake-crm';
import { spawnHub, type SpawnedHub } from '../helpers/spawn-hub';
import { rawConfig, SECRETS, tmpDir, waitFor } from '../helpers/test-config';

describe('shipment reports survive SIGKILL', () => {
  let crm: FakeCrm;
  const children: SpawnedHub[] = [];
  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await crm?.close();
  });

  it('nothing accepted is lost, and a report recorded as delivered is never sent again', async () => {
    crm = await startFakeCrm({ apiKey: SECRETS.crmApiKey });
    const orders = Array.from({ length: 60 }, (_, i) => `ORD-${i}`);
    orders.forEach((o) => crm.addOrder(o));
    const dir = tmpDir();
    const dbPath = path.join(dir, 'hub.db');
    const configFile = path.join(dir, 'stockbridge.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify(
        rawConfig({
          storage: { path: dbPath },
          log: { level: 'info' },
          targets: [],
          crm: { url: crm.url, apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
          worker: { leaseMs: 2000, pollMs: 100, backoffBaseMs: 50, backoffMaxMs: 500 },
        }),
      ),
    );

    const first = await spawnHub(configFile);
    children.push(first);
    const res = await fetch(`${first.url}/shipments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.shipmentsToken}` },
      body: JSON.stringify(
        orders.map((o) => ({ orderExternalId: o, shipmentStore: 'main', shipmentDate: '2026-11-22' })),
      ),
    });
    expect(res.status).toBe(202);
    const ids = ((await res.json()) as { shipments: Array<{ id: string }> }).shipments.map((s) => s.id);
    await waitFor(() => crm.orderEdits.length >= 15, { what: 'the burst to be under way' });
    first.proc.kill('SIGKILL');
    await first.exited;

    const store = createSqliteStores({ path: dbPath });
    const deliveredBefore = new Set<string>();
    for (const id of ids) {
      const s = (await store.shipments.get(id))!;
      if (s.status === 'delivered') deliveredBefore.add(s.ref);
    }
    expect(deliveredBefore.size).toBeGreaterThan(0);
    expect(deliveredBefore.size).toBeLessThan(60);

    const second = await spawnHub(configFile);
    children.push(second);
    await waitFor(
      async () => {
        for (const id of ids) if ((await store.shipments.get(id))!.status !== 'delivered') return false;
        return true;
      },
      { timeoutMs: 30_000, what: 'every shipment delivered after restart' },
    );
    await store.close();
    const edits = new Map<string, number>();
    for (const e of crm.orderEdits) edits.set(e.ref, (edits.get(e.ref) ?? 0) + 1);
    for (const o of orders) expect(edits.get(o) ?? 0).toBeGreaterThanOrEqual(1);
    for (const o of deliveredBefore) expect(edits.get(o)).toBe(1);
  });
});
