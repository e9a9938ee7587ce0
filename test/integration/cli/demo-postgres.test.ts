import { runCompiled } from '../../helpers/run-compiled';
/** `npm run demo -- --once --postgres`: its own embedded PostgreSQL, two hub instances. */
const runDemo = () => runCompiled('cli/demo.js', ['--once', '--postgres'], { timeoutMs: 90_000 });

describe('npm run demo -- --once --postgres', () => {
  it('plays the scenario on an embedded PostgreSQL with two instances, without printing its password', async () => {
    const { code, out } = await runDemo();
    expect(out).not.toContain('✘');
    expect(code).toBe(0);
    expect(out).toContain('All steps succeeded.');
    expect(out).toMatch(/postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/stockbridge_demo \(embedded PostgreSQL\)/);
    expect(out).toMatch(/instances http:\/\/127\.0\.0\.1:\d+ and http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/TSHIRT-BLK-XL ro-shop: Depozit central=9, Depozit nord=3 \| bg-shop: stock=9/);
    expect(out).not.toContain('DeprecationWarning');
  });
});
