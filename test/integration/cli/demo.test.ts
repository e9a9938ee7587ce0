import { demoCommand } from '../../../src/cli/demo-command';

describe('npm run demo -- --once', () => {
  it('plays the whole scenario against the local fakes and exits 0 when every step succeeded', async () => {
    const out: string[] = [];
    const code = await demoCommand({ argv: ['--once'], env: {}, out: (l) => out.push(l), err: (l) => out.push(l) });
    const text = out.join('\n');
    expect(text).not.toContain('✘');
    expect(code).toBe(0);
    expect(text).toContain('All steps succeeded.');
    expect(text).toMatch(/TSHIRT-BLK-XL\s+ro-shop: Depozit central=9, Depozit nord=3 \| bg-shop: stock=9/);
    expect(text).toContain('after recovery: 1 write(s) to ro-shop (coalesced)');
    expect(text).toMatch(/CRM received POST \/api\/v5\/orders\/WEB-1001\/edit by=externalId site=main-shop order=\{"shipped":true,"shipmentStore":"main"/);
    expect(text).not.toContain('demo-mp-secret');
  });
});
