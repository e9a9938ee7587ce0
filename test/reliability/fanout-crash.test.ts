import fs from 'node:fs';
import path from 'node:path';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../src/demo/fakes/fake-merchantpro';
import { formBody, manyOffers } from '../helpers/callback-bodies';
import { spawnHub, type SpawnedHub } from '../helpers/spawn-hub';
import { rawConfig, SECRETS, targetRaw, tmpDir, waitFor } from '../helpers/test-config';

const post = (hub: SpawnedHub, offers: unknown[]) =>
  fetch(`${hub.url}/callbacks/inventories-upload`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody(offers),
  }).then((r) => {
    if (r.status !== 200) throw new Error(`callback refused: ${r.status}`);
  });

describe('fan-out survives the process dying', () => {
  let shop: FakeMerchantPro;
  const children: SpawnedHub[] = [];
  let configFile: string;
  const skus = Array.from({ length: 200 }, (_, i) => `SKU-${i}`);

  beforeEach(async () => {
    shop = await startFakeMerchantPro({ apiKey: SECRETS.mpKey, apiSecret: SECRETS.mpSecret, multiWarehouse: true });
    skus.forEach((s) => shop.addItem(s));
    const dir = tmpDir();
    configFile = path.join(dir, 'stockbridge.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify(
        rawConfig({
          storage: { path: path.join(dir, 'hub.db') },
          log: { level: 'info' },
          targets: [targetRaw('shop', shop.url, { concurrency: 4, timeoutMs: 1000 })],
          worker: { leaseMs: 2000, pollMs: 100, backoffBaseMs: 50, backoffMaxMs: 500, drainMs: 3000 },
        }),
      ),
    );
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.proc.kill('SIGKILL');
    await shop.close();
  });

  const stockOf = (sku: string) => shop.bySku(sku)!.warehouses![0].stock;

  it('SIGKILL in the middle of a burst: after restart every item converges to the newest figure, versions never go back', async () => {
    shop.setFault({ slowMs: 5 });
    const first = await spawnHub(configFile);
    children.push(first);
    await post(
      first,
      manyOffers(200, ['main'], 0, () => 1),
    );
    await post(
      first,
      manyOffers(200, ['main'], 0, (i) => 100 + i),
    );
    await waitFor(() => shop.writes.length >= 40, { what: 'the burst to be under way' });
    first.proc.kill('SIGKILL');
    await first.exited;
    const writtenBeforeCrash = shop.writes.length;
    expect(writtenBeforeCrash).toBeLessThan(400);

    const second = await spawnHub(configFile);
    children.push(second);
    await waitFor(() => skus.every((s, i) => stockOf(s) === 100 + i), {
      timeoutMs: 30_000,
      what: 'every item to converge after restart',
    });
    const last = new Map<string, number>();
    for (const w of shop.writes) {
      expect(w.version!).toBeGreaterThanOrEqual(last.get(w.sku) ?? 0);
      last.set(w.sku, w.version!);
    }
  });

  it('SIGTERM drains in-flight writes and exits 0; the rest goes out after restart', async () => {
    shop.setFault({ slowMs: 200 });
    const hub = await spawnHub(configFile);
    children.push(hub);
    await post(
      hub,
      manyOffers(20, ['main'], 0, () => 7),
    );
    await waitFor(() => shop.requests.length >= 1, { what: 'a write in flight' });
    hub.proc.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(hub.output()).toContain('stopped cleanly');
    shop.heal();
    const again = await spawnHub(configFile);
    children.push(again);
    await waitFor(() => skus.slice(0, 20).every((s) => stockOf(s) === 7), {
      timeoutMs: 20_000,
      what: 'the rest after restart',
    });
  });
});
