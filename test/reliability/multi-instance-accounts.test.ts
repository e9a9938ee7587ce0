import { startFakeMerchantPro, type FakeMerchantPro } from '../../src/demo/fakes/fake-merchantpro';
import { accountRaw, rawAccountsConfig } from '../helpers/accounts-config';
import { formBody, offer } from '../helpers/callback-bodies';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres-database';
import { SECRETS, targetRaw, tmpDir, waitFor } from '../helpers/test-config';
import { startHubFleet, writeFleetConfig, type HubFleet } from './multi-instance-hubs';

const ACCOUNTS = ['acme', 'bolt', 'cora', 'dune', 'echo', 'fern'];
const SKUS = Array.from({ length: 6 }, (_, i) => `SKU-${i}`);

/** The target locks (one per account's shop) instance i holds now, by its log: taken over, minus handed over. */
function shopsOwnedBy(f: HubFleet, i: number): string[] {
  const held = new Set<string>();
  for (const m of f.hubs[i].output().matchAll(/"lock":"(target:[^"]+)"[^\n]*"msg":"([^"]+)"/g)) {
    if (m[2] === 'this instance took over') held.add(m[1]);
    if (m[2] === 'handed over to a less loaded instance') held.delete(m[1]);
  }
  return [...held];
}

describe('three hub processes on one PostgreSQL, several accounts', () => {
  let tdb: TestDatabase;
  const shops = new Map<string, FakeMerchantPro>();
  let fleet: HubFleet | undefined;

  beforeAll(async () => {
    tdb = await createTestDatabase('fleet_accounts');
    for (const name of ACCOUNTS) {
      const shop = await startFakeMerchantPro({
        apiKey: SECRETS.mpKey,
        apiSecret: SECRETS.mpSecret,
        multiWarehouse: true,
      });
      SKUS.forEach((s) => shop.addItem(s));
      shops.set(name, shop);
    }
  });
  afterAll(async () => {
    await fleet?.stopAll();
    for (const shop of shops.values()) await shop.close();
    await tdb.drop();
  });

  it("spreads the accounts' shops over the instances, and a SIGKILL mid-burst loses no acknowledged figure", async () => {
    const configFile = writeFleetConfig(
      tmpDir(),
      rawAccountsConfig(
        ACCOUNTS.map((name) =>
          accountRaw(name, { targets: [targetRaw('shop', shops.get(name)!.url, { timeoutMs: 1000 })] }),
        ),
        {
          storage: { driver: 'postgres', url: tdb.url, poolSize: 4 },
          log: { level: 'info' },
          worker: { leaseMs: 3000, pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500, drainMs: 2000 },
        },
      ),
    );
    fleet = await startHubFleet(configFile, 3);
    const f = fleet;
    // Acknowledged figures only: a callback posted to an instance as it dies may be refused (the CRM resends those).
    const newest = new Map<string, number>();
    let n = 0;
    const post = async (round: number) => {
      for (const [k, name] of ACCOUNTS.entries()) {
        const figures = SKUS.map((sku, i) => [sku, round * 100 + k * 10 + i] as const);
        const res = await fetch(`${f.pick(n++).url}/callbacks/inventories-upload`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: formBody(
            figures.map(([sku, q]) => offer(sku, { main: q })),
            `client-id-SECRET-${name}`,
          ),
        }).catch(() => null);
        if (res?.status === 200) for (const [sku, q] of figures) newest.set(`${name}:${sku}`, q);
      }
    };
    const onShop = () =>
      ACCOUNTS.every((name) =>
        SKUS.every((s) => shops.get(name)!.bySku(s)!.warehouses![0].stock === newest.get(`${name}:${s}`)),
      );

    for (let round = 1; round <= 3; round++) await post(round);
    await waitFor(() => [...shops.values()].every((s) => s.writes.length > 0), {
      timeoutMs: 20_000,
      what: 'every shop written',
    });
    // Ownership spreads (the first instance up took every shop; it hands them over to the others): in the end each
    // instance holds about its share, every shop has one owner.
    const ownersNow = () => [0, 1, 2].map((i) => shopsOwnedBy(f, i));
    const all = ACCOUNTS.map((a) => `target:${a}/shop`).sort();
    const spread = (o: string[][]) => o.every((x) => x.length >= 1 && x.length <= 3);
    await waitFor(() => spread(ownersNow()) && JSON.stringify(ownersNow().flat().sort()) === JSON.stringify(all), {
      timeoutMs: 20_000,
      what: 'the shops spread over the three instances',
    });
    const owners = ownersNow();
    expect(owners.flat().sort()).toEqual(all);

    // Kill an instance that owns shops, mid-burst.
    const victim = owners.findIndex((o) => o.length > 0);
    await post(4);
    await f.kill(victim);
    for (let round = 5; round <= 7; round++) await post(round);
    await waitFor(onShop, { timeoutMs: 30_000, what: "every account's newest acknowledged figure on its shop" });
    expect(newest.get('fern:SKU-5')).toBe(755);
    // The killed instance's shops were taken over by the others.
    const after = [0, 1, 2].filter((i) => i !== victim).flatMap((i) => shopsOwnedBy(f, i));
    for (const lock of owners[victim]) expect(after).toContain(lock);
  });
});
