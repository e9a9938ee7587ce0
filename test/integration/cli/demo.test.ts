import { runCompiled } from '../../helpers/run-compiled';
/** Runs the compiled demo exactly as `npm run demo -- --once` does. */
const runDemo = () => runCompiled('cli/demo.js', ['--once'], { timeoutMs: 60_000 });

describe('npm run demo -- --once', () => {
  it('plays the whole scenario against the local fakes and exits 0 when every step succeeded', async () => {
    const { code, out } = await runDemo();
    expect(out).not.toContain('✘');
    expect(code).toBe(0);
    expect(out).toContain('All steps succeeded.');
    expect(out).toMatch(/done in \d+ ms; 6 PATCHes/);
    expect(out).toMatch(/TSHIRT-BLK-XL\s+ro-shop: Depozit central=12, Depozit nord=3 \| bg-shop: stock=12/);
    expect(out).toContain('answered success; 0 writes to the shops');
    expect(out).toMatch(/TSHIRT-BLK-XL ro-shop: Depozit central=9, Depozit nord=3 \| bg-shop: stock=9/);
    expect(out).toContain('after recovery: 1 write(s) to ro-shop (coalesced)');
    expect(out).toMatch(
      /CRM received POST \/api\/v5\/orders\/WEB-1001\/edit by=externalId site=main-shop order=\{"shipped":true,"shipmentStore":"main"/,
    );
    // The CRM asks about an order: the module reads it, asks SyncInventory, the CRM and both shops change.
    expect(out).toContain('the module read the order: GET /api/v5/orders/WEB-1002?by=externalId&site=main-shop');
    expect(out).toContain(
      'and asked SyncInventory for its list (every SKU, one request) → TSHIRT-BLK-XL: godown 97637 = 7',
    );
    expect(out).toContain('the CRM applied the reply: stock of TSHIRT-BLK-XL {} → {"main":7}');
    expect(out).toContain('shops: ro-shop: Depozit central=7, Depozit nord=3 | bg-shop: stock=7');
    expect(out).toContain('unknown: clientId=***&products=');
    expect(out).not.toContain('demo-mp-secret');
    expect(out).not.toContain('demo-client-id');
  });
});
